// The door under memory exhaustion: whichever allocation fails first, and whether memory stays
// exhausted while the door reports it, every entry point returns MP_OUT_OF_MEMORY with a
// message. A handler that allocated would throw out of a noexcept function: std::terminate,
// which in a backend means a crash and a restart of the whole cluster.
#include "core/door.h"
#include "fixture_catalog.hpp"
#include "test_allocator.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using mlflow_purge::test::AllocationCounter;
using mlflow_purge::test::FailingAllocations;

// The C view of a catalog, as the PG zone builds it: pointers into storage this struct owns.
class CCatalog {
public:
	explicit CCatalog(const mlflow_purge::core::CatalogSnapshot &snapshot) : snapshot_(snapshot) {
		for (const auto &t : snapshot_.tables) {
			columns_.emplace_back();
			for (const auto &c : t.columns) {
				columns_.back().push_back({c.name.c_str(), c.type.c_str()});
			}
			keys_.emplace_back();
			for (const auto &k : t.primary_key) {
				keys_.back().push_back(k.c_str());
			}
		}
		for (size_t i = 0; i < snapshot_.tables.size(); ++i) {
			const auto &t = snapshot_.tables[i];
			tables_.push_back({t.name.c_str(), static_cast<int>(columns_[i].size()), columns_[i].data(),
			                   static_cast<int>(keys_[i].size()), keys_[i].data()});
		}
		for (const auto &f : snapshot_.foreign_keys) {
			child_columns_.emplace_back();
			parent_columns_.emplace_back();
			for (size_t c = 0; c < f.child_columns.size(); ++c) {
				child_columns_.back().push_back(f.child_columns[c].c_str());
				parent_columns_.back().push_back(f.parent_columns[c].c_str());
			}
		}
		for (size_t i = 0; i < snapshot_.foreign_keys.size(); ++i) {
			const auto &f = snapshot_.foreign_keys[i];
			foreign_keys_.push_back({f.name.c_str(), f.child_schema.c_str(), f.child_table.c_str(),
			                         f.parent_table.c_str(), static_cast<int>(child_columns_[i].size()),
			                         child_columns_[i].data(), parent_columns_[i].data(), ActionCode(f.on_delete)});
		}
		catalog_ = {snapshot_.schema.c_str(),
		            static_cast<int>(tables_.size()),
		            tables_.data(),
		            static_cast<int>(foreign_keys_.size()),
		            foreign_keys_.data(),
		            0,
		            nullptr,
		            0,
		            nullptr};
	}

	const MpCatalog *Get() const { return &catalog_; }

private:
	static char ActionCode(mlflow_purge::core::ReferentialAction action) {
		using mlflow_purge::core::ReferentialAction;
		switch (action) {
		case ReferentialAction::Cascade:
			return 'c';
		case ReferentialAction::Restrict:
			return 'r';
		case ReferentialAction::SetNull:
			return 'n';
		case ReferentialAction::SetDefault:
			return 'd';
		case ReferentialAction::NoAction:
			break;
		}
		return 'a';
	}

	mlflow_purge::core::CatalogSnapshot snapshot_;
	std::vector<std::vector<MpColumn>> columns_;
	std::vector<std::vector<const char *>> keys_;
	std::vector<MpTable> tables_;
	std::vector<std::vector<const char *>> child_columns_;
	std::vector<std::vector<const char *>> parent_columns_;
	std::vector<MpForeignKey> foreign_keys_;
	MpCatalog catalog_ {};
};

// Buffers large enough for any program of the fixtures, so a call runs to its end.
struct ProgramBuffers {
	std::vector<MpStep> steps = std::vector<MpStep>(4096);
	std::vector<uint32_t> tables = std::vector<uint32_t>(512);
	std::vector<char> text = std::vector<char>(4 << 20);

	MpProgram Program() {
		MpProgram p {};
		p.steps = steps.data();
		p.steps_capacity = static_cast<int>(steps.size());
		p.tables = tables.data();
		p.tables_capacity = static_cast<int>(tables.size());
		p.text = text.data();
		p.text_capacity = text.size();
		return p;
	}
};

struct EntryPoint {
	std::string name;
	std::function<int(MpStatus *)> call;
};

MpRequest
Request(int operation) {
	MpRequest r {};
	r.operation = operation;
	r.has_dry_run = 1;
	r.model_versions = "keep";
	switch (operation) {
	case MP_OP_EXPERIMENT:
		r.has_experiment_id = 1;
		r.experiment_id = 7;
		break;
	case MP_OP_EXPERIMENT_BY_NAME:
		r.name = "churn-model";
		break;
	case MP_OP_RUN:
		r.run_id = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
		break;
	default:
		break;
	}
	return r;
}

std::vector<EntryPoint>
EntryPoints(const CCatalog &catalog, ProgramBuffers &buffers) {
	std::vector<EntryPoint> out;
	const std::pair<const char *, int> operations[] = {{"experiment", MP_OP_EXPERIMENT},
	                                                   {"experiment_by_name", MP_OP_EXPERIMENT_BY_NAME},
	                                                   {"run", MP_OP_RUN},
	                                                   {"deleted", MP_OP_DELETED}};
	for (const auto &[name, operation] : operations) {
		for (const int dry_run : {0, 1}) {
			out.push_back({std::string("mp_plan_purge/") + name + (dry_run ? "/dry_run" : ""),
			               [&catalog, &buffers, operation = operation, dry_run](MpStatus *status) {
							   MpRequest request = Request(operation);
							   request.dry_run = dry_run;
							   MpProgram program = buffers.Program();
							   return mp_plan_purge(catalog.Get(), &request, &program, status);
						   }});
		}
	}
	// Too-small buffers: the measuring path of the door.
	out.push_back({"mp_plan_purge/measure", [&catalog](MpStatus *status) {
					   MpRequest request = Request(MP_OP_DELETED);
					   MpProgram program {};
					   return mp_plan_purge(catalog.Get(), &request, &program, status);
				   }});
	out.push_back({"mp_plan_check", [&catalog, &buffers](MpStatus *status) {
					   MpProgram program = buffers.Program();
					   return mp_plan_check(catalog.Get(), &program, status);
				   }});
	// Each exception kind the door maps, raised after memory ran out.
	for (int what = 1; what <= 5; ++what) {
		out.push_back({"mp_debug_throw/" + std::to_string(what),
		               [what](MpStatus *status) { return mp_debug_throw(what, status); }});
	}
	return out;
}

// Calls `entry` with the n-th allocation failing, for every n the call makes (or `max_points`
// of them, evenly spread), in both modes; each call must end in MP_OUT_OF_MEMORY.
void
ExpectOutOfMemoryAtEveryAllocation(const EntryPoint &entry, size_t max_points) {
	// A first call pays the one-time allocations (function-local statics, locale facets), so
	// the count is taken on the second.
	MpStatus status {};
	(void)entry.call(&status);
	size_t allocations = 0;
	int unarmed = 0;
	{
		AllocationCounter counter;
		unarmed = entry.call(&status);
		allocations = counter.Count();
	}
	if (allocations == 0) {
		// Nothing to fail (a bare throw): with memory exhausted the door answers as it would anyway.
		MpStatus oom {};
		int result;
		{
			FailingAllocations fail(0, true);
			result = entry.call(&oom);
		}
		ASSERT_EQ(result, unarmed) << entry.name;
		ASSERT_EQ(oom.kind, status.kind) << entry.name;
		ASSERT_STREQ(oom.message, status.message) << entry.name;
		return;
	}
	const size_t stride = allocations <= max_points ? 1 : allocations / max_points;
	for (const bool persistent : {false, true}) {
		for (size_t n = 0; n < allocations; n += stride) {
			MpStatus oom {};
			int result;
			{
				FailingAllocations fail(n, persistent);
				result = entry.call(&oom);
			}
			ASSERT_EQ(result, MP_OUT_OF_MEMORY)
				<< entry.name << ": allocation " << n << " of " << allocations << " failed"
				<< (persistent ? " (and every later one)" : "") << "; message: " << oom.message;
			ASSERT_EQ(oom.kind, MP_OUT_OF_MEMORY) << entry.name;
			ASSERT_NE(std::string(oom.message).find("out of memory"), std::string::npos)
				<< entry.name << ": " << oom.message;
		}
	}
}

TEST(DoorOutOfMemory, EveryEntryPointReportsOutOfMemoryOnASmallCatalog) {
	mlflow_purge::core::CatalogSnapshot small;
	small.schema = "public";
	small.tables = {{"experiments",
	                 {{"experiment_id", "integer"},
	                  {"name", "character varying(256)"},
	                  {"lifecycle_stage", "character varying(32)"}},
	                 {"experiment_id"}},
	                {"runs",
	                 {{"run_uuid", "character varying(32)"},
	                  {"experiment_id", "integer"},
	                  {"lifecycle_stage", "character varying(20)"}},
	                 {"run_uuid"}},
	                {"metrics", {{"run_uuid", "character varying(32)"}, {"key", "character varying(250)"}}, {}}};
	small.foreign_keys = {
		{"runs_experiment_id_fkey", "public", "runs", {"experiment_id"}, "experiments", {"experiment_id"}, {}},
		{"metrics_run_uuid_fkey", "public", "metrics", {"run_uuid"}, "runs", {"run_uuid"}, {}}};
	const CCatalog catalog(small);
	ProgramBuffers buffers;
	for (const EntryPoint &entry : EntryPoints(catalog, buffers)) {
		ExpectOutOfMemoryAtEveryAllocation(entry, SIZE_MAX);
	}
}

TEST(DoorOutOfMemory, EveryEntryPointReportsOutOfMemoryOnTheMlflow3Catalog) {
	const CCatalog catalog(mlflow_purge::test::LoadFixtureCatalog("3.11.2.dev0"));
	ProgramBuffers buffers;
	for (const EntryPoint &entry : EntryPoints(catalog, buffers)) {
		ExpectOutOfMemoryAtEveryAllocation(entry, 40);
	}
}

TEST(DoorOutOfMemory, TheTestAllocatorReallyFails) {
	bool threw = false;
	{
		FailingAllocations fail(0, true);
		try {
			std::string s(100, 'x');
			(void)s;
		} catch (const std::bad_alloc &) {
			threw = true;
		}
	}
	EXPECT_TRUE(threw);
	std::string after(100, 'y'); // disarmed again
	EXPECT_EQ(after.size(), 100u);
}

} // namespace
