#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clearml/core/manifest.hpp"

namespace mlflow_purge::clearml {

namespace {
Manifest
sample() {
	Manifest m;
	m.tenant_id = "0123456789abcdef0123456789abcdef";
	m.company_name = "acme";
	m.first_written = "2025-01-02T00:00:00Z";
	m.last_written = "2025-01-02T00:00:00Z";
	m.completed_steps = {"manifest", "revoke-credentials"};
	m.task_ids = {"t1", "t2"};
	m.queue_ids = {"q1"};
	m.artifact_urls = {"s3://b/x"};
	m.es_indices = {"events-log-0123456789abcdef0123456789abcdef"};
	m.document_counts = {{"backend.task", 2}, {"backend.queue", 1}};
	return m;
}
} // namespace

TEST(Manifest, json_round_trip_keeps_everything) {
	const Manifest m = sample();
	const Manifest back = manifest_from_json(manifest_to_json(m));
	EXPECT_EQ(manifest_to_json(back), manifest_to_json(m));
}

TEST(Manifest, merge_never_shrinks_what_an_earlier_run_recorded) {
	Manifest stored = sample();
	// After a crash in the Mongo step the re-run finds no tasks and no queues any more.
	Manifest fresh;
	fresh.tenant_id = stored.tenant_id;
	fresh.first_written = fresh.last_written = "2025-01-03T00:00:00Z";
	fresh.task_ids = {"t3"};
	fresh.document_counts = {{"backend.task", 0}, {"backend.model", 4}};
	const Manifest merged = merge_manifests(stored, fresh);
	EXPECT_EQ(merged.task_ids, (std::set<std::string> {"t1", "t2", "t3"}));
	EXPECT_EQ(merged.queue_ids, stored.queue_ids);
	EXPECT_EQ(merged.company_name, "acme");
	EXPECT_EQ(merged.completed_steps, stored.completed_steps);
	EXPECT_EQ(merged.document_counts.at("backend.task"), 2);
	EXPECT_EQ(merged.document_counts.at("backend.model"), 4);
	EXPECT_EQ(merged.first_written, "2025-01-02T00:00:00Z");
	EXPECT_EQ(merged.last_written, "2025-01-03T00:00:00Z");
}

TEST(Manifest, merge_is_idempotent) {
	const Manifest m = sample();
	EXPECT_EQ(manifest_to_json(merge_manifests(m, m)), manifest_to_json(m));
}

TEST(Manifest, merge_refuses_another_tenant_or_a_renamed_company) {
	Manifest other = sample();
	other.tenant_id = "fedcba9876543210fedcba9876543210";
	EXPECT_THROW(merge_manifests(sample(), other), ManifestConflict);
	Manifest renamed = sample();
	renamed.company_name = "initech";
	EXPECT_THROW(merge_manifests(sample(), renamed), ManifestConflict);
}

TEST(Manifest, rejects_foreign_or_malformed_documents) {
	EXPECT_THROW(manifest_from_json(nlohmann::json::object()), std::runtime_error);
	EXPECT_THROW(manifest_from_json(nlohmann::json {{"format", 2}, {"tenant_id", "x"}}), std::runtime_error);
	EXPECT_THROW(manifest_from_json(nlohmann::json {{"format", 1}}), std::runtime_error);
	EXPECT_THROW(manifest_from_json(nlohmann::json {{"format", 1}, {"tenant_id", "x"}, {"task_ids", {1, 2}}}),
	             std::runtime_error);
}

// Issue 13 items 1 and 4: what the manifest carries past the deletion of the company document.
TEST(Manifest, company_seen_and_unverified_survive_a_round_trip_and_a_merge) {
	Manifest m = sample();
	m.company_document_seen = true;
	m.unverified = {"Redis db 0 queue_metrics_<queue id> keys"};
	const Manifest back = manifest_from_json(manifest_to_json(m));
	EXPECT_TRUE(back.company_document_seen);
	EXPECT_EQ(back.unverified, m.unverified);
	Manifest fresh = sample(); // a later run: the company is gone, nothing unverified of its own
	const Manifest merged = merge_manifests(m, fresh);
	EXPECT_TRUE(merged.company_document_seen);
	EXPECT_EQ(merged.unverified, m.unverified);
	// An older manifest without the fields reads as "not seen", "nothing unverified".
	auto old = manifest_to_json(sample());
	old.erase("company_document_seen");
	old.erase("unverified");
	EXPECT_FALSE(manifest_from_json(old).company_document_seen);
	EXPECT_TRUE(manifest_from_json(old).unverified.empty());
}

} // namespace mlflow_purge::clearml
