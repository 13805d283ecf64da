#include "core/cascade_planner.hpp"

#include "core/declared_links.hpp"
#include "core/messages.hpp"
#include "core/purge_error.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace mlflow_purge::core {
namespace {

bool
Deletes(ReferentialAction action) {
	return action == ReferentialAction::NoAction || action == ReferentialAction::Restrict ||
	       action == ReferentialAction::Cascade;
}

CascadeEdge
EdgeFromForeignKey(const ForeignKey &fk) {
	CascadeEdge edge;
	edge.source = CascadeEdge::Source::ForeignKey;
	edge.name = fk.name;
	edge.child_schema = fk.child_schema;
	edge.child_table = fk.child_table;
	edge.parent_table = fk.parent_table;
	for (size_t i = 0; i < fk.child_columns.size() && i < fk.parent_columns.size(); ++i) {
		edge.columns.push_back({fk.child_columns[i], fk.parent_columns[i]});
	}
	edge.action = fk.on_delete;
	return edge;
}

// A soft link applies when both tables and all its columns exist in this schema version.
bool
EdgeFromSoftLink(const CatalogSnapshot &catalog, const SoftLink &link, CascadeEdge &edge) {
	const Table *child = catalog.FindTable(link.child_table);
	const Table *parent = catalog.FindTable(link.parent_table);
	if (!child || !parent) {
		return false;
	}
	edge = CascadeEdge {};
	edge.source = CascadeEdge::Source::SoftLink;
	edge.child_schema = catalog.schema;
	edge.child_table = link.child_table;
	edge.parent_table = link.parent_table;
	for (const auto &pair : link.columns) {
		if (!child->HasColumn(pair.child) || !parent->HasColumn(pair.parent)) {
			return false;
		}
		edge.columns.push_back(pair);
	}
	for (const auto &pair : link.columns_if_present) {
		if (child->HasColumn(pair.child) && parent->HasColumn(pair.parent)) {
			edge.columns.push_back(pair);
		}
	}
	if (!link.discriminator_column.empty()) {
		if (!child->HasColumn(link.discriminator_column)) {
			return false;
		}
		edge.discriminator_column = link.discriminator_column;
		edge.discriminator_values = link.discriminator_values;
	}
	edge.parent_key_as_text = link.parent_key_as_text;
	edge.name = Message("%1%.%2% -> %3%.%4%", link.child_table, edge.columns.front().child, link.parent_table,
	                    edge.columns.front().parent);
	return true;
}

// Kahn's algorithm over "child before parent"; ties go to the smallest name so the order
// (and so the result rows) never depend on catalog order.
std::vector<std::string>
DeletionOrder(const std::map<std::string, PurgedTable> &tables) {
	std::map<std::string, std::set<std::string>> pending_children;
	for (const auto &[name, table] : tables) {
		pending_children[name];
		for (const auto &edge : table.incoming) {
			if (edge.parent_table != name) {
				pending_children[edge.parent_table].insert(name);
			}
		}
		for (const auto &parent : table.delete_before) {
			pending_children[parent].insert(name);
		}
	}
	std::vector<std::string> order;
	std::set<std::string> ready;
	for (const auto &[name, children] : pending_children) {
		if (children.empty()) {
			ready.insert(name);
		}
	}
	while (!ready.empty()) {
		std::string next = *ready.begin();
		ready.erase(ready.begin());
		order.push_back(next);
		for (auto &[parent, children] : pending_children) {
			if (children.erase(next) && children.empty() &&
			    std::find(order.begin(), order.end(), parent) == order.end()) {
				ready.insert(parent);
			}
		}
	}
	if (order.size() != tables.size()) {
		std::string cycle;
		for (const auto &[name, children] : pending_children) {
			if (!children.empty()) {
				cycle += (cycle.empty() ? "" : ", ") + name;
			}
		}
		throw PurgeError(ErrorKind::InvalidForeignKey,
		                 Message("cannot order the purge: the foreign keys between tables %1% form a cycle", cycle),
		                 Message("Tables in the cycle: %1%.", cycle),
		                 "Make one of the foreign keys in the cycle ON DELETE SET NULL or DEFERRABLE, or drop it.");
	}
	return order;
}

// A table the purge needs that this schema does not have: an error naming it, before anything runs.
[[noreturn]] void
MissingTable(const CatalogSnapshot &catalog, const RootTable &root, bool traces) {
	if (traces) {
		throw PurgeError(
			ErrorKind::UndefinedTable,
			Message("MLflow table \"%1%\" does not exist in schema \"%2%\"", root.table, catalog.schema),
			Message("Trace retention needs MLflow's trace tables, which arrived with MLflow 2.13; schema \"%1%\" "
		            "has none.",
		            catalog.schema),
			"Upgrade the schema with `mlflow db upgrade` first, or set mlflow_purge.schema to the schema that holds "
			"the MLflow tracking tables.");
	}
	throw PurgeError(ErrorKind::UndefinedTable,
	                 Message("MLflow table \"%1%\" does not exist in schema \"%2%\"", root.table, catalog.schema),
	                 Message("The purge reads MLflow's tables from schema \"%1%\".", catalog.schema),
	                 "Set mlflow_purge.schema to the schema that holds the MLflow tracking tables.");
}

} // namespace

const PurgedTable *
CascadePlan::Find(const std::string &table) const {
	for (const auto &t : tables) {
		if (t.name == table) {
			return &t;
		}
	}
	return nullptr;
}

CascadePlanner::CascadePlanner(const CatalogSnapshot &catalog, const MlflowModel &model)
	: catalog_(catalog), model_(model) {
}

CascadePlan
CascadePlanner::Plan(PurgeRoots which, ModelVersionPolicy policy) const {
	std::vector<const RootTable *> roots;
	switch (which) {
	case PurgeRoots::Runs:
		roots = {&model_.runs};
		break;
	case PurgeRoots::ExperimentsAndRuns:
		roots = {&model_.runs, &model_.experiments};
		break;
	case PurgeRoots::Traces:
		roots = {&model_.traces};
		break;
	}
	for (const RootTable *root : {&model_.experiments, &model_.runs}) {
		if (!catalog_.FindTable(root->table)) {
			MissingTable(catalog_, *root, false);
		}
	}
	if (which == PurgeRoots::Traces && !catalog_.FindTable(model_.traces.table)) {
		MissingTable(catalog_, model_.traces, true);
	}

	auto is_root = [&](const std::string &table) {
		return std::any_of(roots.begin(), roots.end(), [&](const RootTable *r) { return r->table == table; });
	};
	// Experiments and runs are only ever purged as targets of their own, locked and re-checked:
	// a link that would reach one from elsewhere (a trace purge, a DBA's foreign key from
	// experiments to runs) is refused instead, naming the rows, never followed.
	auto is_guarded_root = [&](const std::string &table) {
		return (table == model_.experiments.table || table == model_.runs.table) && !is_root(table);
	};
	const std::string guarded_reason = which == PurgeRoots::Traces
	                                       ? "trace retention never deletes experiments or runs"
	                                       : "experiments and runs are purged only as targets of their own";

	// The model's soft links, then the DBA's declared ones (refused here if invalid): both are
	// followed the same way, in the same statements.
	std::vector<SoftLink> soft_links = model_.soft_links;
	for (auto &declared : DeclaredSoftLinks(catalog_, model_)) {
		soft_links.push_back(std::move(declared));
	}

	CascadePlan plan;
	plan.schema = catalog_.schema;
	std::map<std::string, PurgedTable> purged;
	std::deque<std::string> work;
	for (const RootTable *root : roots) {
		PurgedTable table;
		table.name = root->table;
		table.root = root;
		purged.emplace(root->table, std::move(table));
		work.push_back(root->table);
	}

	auto with_child_key = [&](CascadeEdge edge) {
		const Table *child = edge.child_schema == catalog_.schema ? catalog_.FindTable(edge.child_table) : nullptr;
		if (child && !child->primary_key.empty()) {
			edge.child_key = child->primary_key;
		} else {
			for (const auto &pair : edge.columns) {
				edge.child_key.push_back(pair.child);
			}
		}
		return edge;
	};

	auto follow = [&](CascadeEdge edge) {
		auto [it, inserted] = purged.try_emplace(edge.child_table);
		if (inserted) {
			it->second.name = edge.child_table;
			work.push_back(edge.child_table);
		}
		it->second.incoming.push_back(std::move(edge));
	};

	while (!work.empty()) {
		const std::string parent = work.front();
		work.pop_front();

		for (const ForeignKey &fk : catalog_.foreign_keys) {
			if (fk.parent_table != parent) {
				continue;
			}
			CascadeEdge edge = with_child_key(EdgeFromForeignKey(fk));
			if (!Deletes(fk.on_delete)) {
				plan.set_null_edges.push_back(std::move(edge));
				continue;
			}
			if (fk.child_schema != catalog_.schema) {
				edge.blocking_reason = Message("table %1%.%2% is outside the MLflow schema and is never purged",
				                               fk.child_schema, fk.child_table);
				plan.blocking_edges.push_back(std::move(edge));
				continue;
			}
			if (fk.child_table == parent) {
				continue; // self-reference: the one DELETE of this table covers it
			}
			auto blocking = std::find_if(
				model_.blocking_edges.begin(), model_.blocking_edges.end(),
				[&](const BlockingEdge &b) { return b.child_table == fk.child_table && b.parent_table == parent; });
			if (blocking != model_.blocking_edges.end()) {
				edge.blocking_reason = blocking->reason;
				plan.blocking_edges.push_back(std::move(edge));
				continue;
			}
			if (is_guarded_root(fk.child_table)) {
				edge.blocking_reason = guarded_reason;
				plan.blocking_edges.push_back(std::move(edge));
				continue;
			}
			if (is_root(fk.child_table) && is_root(parent)) {
				// Runs of a purged experiment are targets themselves, locked and bound as $2:
				// the link only orders the deletes.
				purged.at(fk.child_table).delete_before.push_back(parent);
				continue;
			}
			follow(std::move(edge));
		}

		for (const SoftLink &link : soft_links) {
			CascadeEdge edge;
			if (link.parent_table != parent || !EdgeFromSoftLink(catalog_, link, edge)) {
				continue;
			}
			edge = with_child_key(std::move(edge));
			if (link.declared) {
				edge.name += " (declared in mlflow_purge.declared_links)";
			}
			if (is_guarded_root(link.child_table) && link.role == SoftLink::Role::Owned) {
				edge.blocking_reason = guarded_reason;
				plan.blocking_edges.push_back(std::move(edge));
				continue;
			}
			if (link.role == SoftLink::Role::ReferenceReported) {
				plan.reported_links.push_back(std::move(edge));
				continue;
			}
			if (link.role == SoftLink::Role::ModelVersionOfRun && policy != ModelVersionPolicy::Delete) {
				plan.kept_links.push_back(std::move(edge));
				continue;
			}
			follow(std::move(edge));
		}
	}

	for (const std::string &name : DeletionOrder(purged)) {
		PurgedTable &table = purged.at(name);
		if (const Table *info = catalog_.FindTable(name)) {
			table.primary_key = info->primary_key;
		}
		plan.tables.push_back(std::move(table));
	}
	return plan;
}

} // namespace mlflow_purge::core
