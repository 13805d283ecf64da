// The purge steps in the crash-safe order of docs/clearml-layout.md section 7. Each step is idempotent
// and keyed only on the tenant id, so a re-run after a crash simply runs them all again.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace mlflow_purge::clearml {

enum class Step {
	manifest, // harvest ids and URLs, write the manifest durably: nothing deleted yet
	revoke_credentials, // empty auth.user credentials: the tenant's keys stop working
	mongo, // tenant documents, collection by collection
	elasticsearch, // tenant indices by validated concrete name
	fileserver, // the tenant's folder(s)
	redis, // tenant keys by SCAN + UNLINK
	company, // the identity anchor, last: before it, a plain re-run resumes
	verify, // re-count everything
};

inline constexpr std::array<Step, 8> kStepOrder {Step::manifest,   Step::revoke_credentials,
                                                 Step::mongo,      Step::elasticsearch,
                                                 Step::fileserver, Step::redis,
                                                 Step::company,    Step::verify};

std::string_view step_name(Step step);
std::optional<Step> parse_step(std::string_view name);
std::size_t step_number(Step step); // 1-based position in kStepOrder

} // namespace mlflow_purge::clearml
