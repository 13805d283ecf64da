#include "clearml/core/refusals.hpp"

#include <algorithm>

#include <boost/format.hpp>

#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

std::optional<Refusal>
refuse_tenant_id(const std::string &tenant_id, bool allow_nonstandard,
                 const std::vector<std::string> &protected_company_ids) {
	const TenantIdProblem problem = check_tenant_id(tenant_id, allow_nonstandard);
	if (problem == TenantIdProblem::empty) {
		return Refusal {"empty_id", describe(problem),
		                "an empty company id selects ClearML's public data (company \"\"); pass the tenant's id"};
	}
	if (problem != TenantIdProblem::none) {
		return Refusal {"bad_id", (boost::format("'%1%': %2%") % tenant_id % describe(problem)).str(),
		                "copy the id from system.get_companies or the company collection"};
	}
	// Ignoring case: an upper-cased default company id names the same Elasticsearch indices, and a
	// protected company is never worth the doubt.
	const bool is_protected = std::any_of(protected_company_ids.begin(), protected_company_ids.end(),
	                                      [&](const std::string &id) { return equals_ignoring_case(id, tenant_id); });
	if (is_protected) {
		return Refusal {
			"protected_company",
			(boost::format("'%1%' is protected: the server's default company or a --protect-company") % tenant_id)
				.str(),
			"the default company holds the server's own users and is re-created at start-up; it is never purged"};
	}
	return std::nullopt;
}

std::vector<Refusal>
evaluate_refusals(const RefusalInputs &in) {
	std::vector<Refusal> out;
	if (auto id_refusal = refuse_tenant_id(in.tenant_id, in.allow_nonstandard_id, in.protected_company_ids)) {
		out.push_back(*id_refusal);
		return out; // nothing else is meaningful for an id we will not use
	}
	const bool exact_company_known = in.company_found || (in.manifest_present && in.company_seen_before);
	if (!is_standard_tenant_id(in.tenant_id) && !exact_company_known) {
		out.push_back(
			{"nonstandard_id_without_company",
		     (boost::format("'%1%' is not in the form the server generates (32 lower-case hex digits) and there "
		                    "is no company document with exactly this id") %
		      in.tenant_id)
		         .str(),
		     "--allow-nonstandard-id acts only on a company that exists with exactly this id; copy the id "
		     "from the company collection"});
	}
	if (!in.case_twins.empty() && !exact_company_known) {
		out.push_back(
			{"case_twin",
		     (boost::format("'%1%' differs from the existing company '%2%' only in letter case, and no company "
		                    "document has exactly '%1%'") %
		      in.tenant_id % in.case_twins.front())
		         .str(),
		     "ids are compared exactly; check that you have the right id (leftovers of a removed tenant whose "
		     "id has a case twin must be cleaned by hand)"});
	}
	for (const auto &where : in.malformed_entity_ids) {
		out.push_back({"malformed_entity_id",
		               (boost::format("%1% has an id that is not in the form the server generates (32 lower-case hex "
		                              "digits)") %
		                where)
		                   .str(),
		               "queue, task and model ids become Redis keys and folder names; inspect that document (or "
		               "manifest) and fix or remove it by hand, then run again"});
	}
	if (!in.company_found && !in.manifest_present && !in.company_missing_ok) {
		out.push_back({"company_not_found", (boost::format("no company document with _id '%1%'") % in.tenant_id).str(),
		               "check the id; to clean up leftovers of a tenant already removed, pass --company-missing-ok"});
	}
	if (in.expected_name && !in.actual_name.empty() && *in.expected_name != in.actual_name) {
		out.push_back({"name_mismatch",
		               (boost::format("company '%1%' is named '%2%', not '%3%'") % in.tenant_id % in.actual_name %
		                *in.expected_name)
		                   .str(),
		               "check that --tenant and --name designate the same company"});
	}
	if (in.expected_name && in.actual_name.empty() && (in.company_found || in.manifest_present)) {
		out.push_back({"name_unknown",
		               (boost::format("cannot check --name: company '%1%' has no name on record") % in.tenant_id).str(),
		               "run without --name if you are sure of the id"});
	}
	// --company-missing-ok with neither the document nor a manifest: nothing records the name, and
	// a --name that cannot be checked must not pass as checked.
	if (in.expected_name && !in.company_found && !in.manifest_present) {
		out.push_back(
			{"name_unverifiable",
		     (boost::format("cannot check --name '%1%': company '%2%' is gone and no manifest records its name") %
		      *in.expected_name % in.tenant_id)
		         .str(),
		     "pass --manifest of the earlier run, or run without --name if you are sure of the id"});
	}
	if (in.system_users > 0) {
		out.push_back(
			{"system_users",
		     (boost::format("company '%1%' holds %2% system user(s) (role system or the server's internal users)") %
		      in.tenant_id % in.system_users)
		         .str(),
		     "this is the server's own company; it is never purged"});
	}
	if (in.public_origin_items > 0 && in.public_items == ItemsPolicy::refuse) {
		out.push_back({"public_items",
		               (boost::format("%1% public item(s) (company \"\") were published from this tenant; deleting its "
		                              "Elasticsearch indices removes their events") %
		                in.public_origin_items)
		                   .str(),
		               "decide with --public-items=keep (leave them, without their events) or --public-items=delete"});
	}
	if (in.unknown_collection_documents > 0 && in.unknown_collections == ItemsPolicy::refuse) {
		out.push_back({"unknown_collections",
		               (boost::format("%1% document(s) of this tenant are in collections clearml-purge does not know") %
		                in.unknown_collection_documents)
		                   .str(),
		               "review them in the plan, then pass --unknown-collections=delete (or =keep to leave them)"});
	}
	return out;
}

} // namespace mlflow_purge::clearml
