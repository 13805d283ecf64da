#include "artifacts/core/options.hpp"

#include <cctype>
#include <type_traits>

namespace mlflow_purge::artifacts {
namespace {

bool
ParsePositive(const std::string &text, long long max, long long &out) {
	if (text.empty() || text.size() > 12) {
		return false;
	}
	for (char c : text) {
		if (!std::isdigit(static_cast<unsigned char>(c))) {
			return false;
		}
	}
	out = std::stoll(text);
	return out >= 1 && out <= max;
}

} // namespace

std::string
UsageText() {
	return "Usage: mlflow-purge-artifacts [options]\n"
		   "Deletes the artifact locations mlflow_purge queued in mlflow_purge.artifact_outbox.\n"
		   "\n"
		   "      --artifact-root ROOT  required, repeatable: delete only strictly inside ROOT, an absolute\n"
		   "                          directory (or file:// URI), s3://bucket[/prefix] or mlflow-artifacts:/[prefix]\n"
		   "                          (the tracking server of MLFLOW_TRACKING_URI only). Without the option:\n"
		   "                          MLFLOW_PURGE_ARTIFACT_ROOTS, roots separated by spaces. A location outside\n"
		   "                          every root, equal to one or containing one is refused for good.\n"
		   "  -d, --dbname CONNINFO   libpq connection string or URI (default: PGHOST, PGDATABASE, ... environment);\n"
		   "                          no password in it: use PGPASSWORD, ~/.pgpass or a service file\n"
		   "      --bookkeeping-owner ROLE  without the extension (mlflow-purge setup): the role that ran setup;\n"
		   "                          the mlflow_purge schema and tables must be owned by it\n"
		   "      --once              drain every location that is due, then exit (default: keep polling)\n"
		   "      --dry-run           list what would be deleted or kept; change nothing (implies --once)\n"
		   "      --json              print a JSON report on stdout\n"
		   "      --schema NAME       only locations queued from this MLflow schema\n"
		   "      --batch-size N      locations claimed per transaction (default 100)\n"
		   "      --lease SECONDS     a claimed location nobody recorded returns to the queue after this (default 600)\n"
		   "      --max-attempts N    failed attempts before a location is marked failed (default 10)\n"
		   "      --max-backoff SECONDS  longest wait between attempts (default 3600)\n"
		   "      --interval SECONDS  without --once: wait between polls of an empty queue (default 60)\n"
		   "      --progress / --no-progress  progress line on stderr (default: when stderr is a terminal)\n"
		   "  -h, --help              this text\n"
		   "      --version           the version\n"
		   "\n"
		   "Storage credentials come from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
		   "AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, MLFLOW_S3_ENDPOINT_URL (s3://), MLFLOW_TRACKING_URI,\n"
		   "MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD (mlflow-artifacts:/).\n"
		   "Credentials go only to MLFLOW_TRACKING_URI's server and the S3 endpoint; redirects are not followed.\n"
		   "Exit status: 0 nothing failed, 1 some locations failed or were refused (see last_error),\n"
		   "2 usage error, 3 database error.\n";
}

ParsedOptions
ParseOptions(const std::vector<std::string> &args, const std::string &roots_variable) {
	ParsedOptions parsed;
	Options &o = parsed.options;
	std::vector<std::string> root_texts;
	for (std::size_t i = 0; i < args.size(); ++i) {
		std::string arg = args[i];
		std::string value;
		bool has_inline = false;
		if (arg.rfind("--", 0) == 0) {
			const auto eq = arg.find('=');
			if (eq != std::string::npos) {
				value = arg.substr(eq + 1);
				arg = arg.substr(0, eq);
				has_inline = true;
			}
		}
		auto take = [&](std::string &out) {
			if (has_inline) {
				out = value;
				return true;
			}
			if (i + 1 >= args.size()) {
				parsed.error = arg + " needs a value";
				return false;
			}
			out = args[++i];
			return true;
		};
		auto number = [&](long long max, auto &out) {
			std::string text;
			if (!take(text)) {
				return false;
			}
			long long n = 0;
			if (!ParsePositive(text, max, n)) {
				parsed.error = arg + " needs a whole number from 1 to " + std::to_string(max) + ", not '" + text + "'";
				return false;
			}
			out = static_cast<std::remove_reference_t<decltype(out)>>(n);
			return true;
		};
		auto flag = [&](bool &out) {
			if (has_inline) {
				parsed.error = arg + " takes no value";
				return false;
			}
			out = true;
			return true;
		};
		bool ok = true;
		if (arg == "-d" || arg == "--dbname") {
			ok = take(o.conninfo);
		} else if (arg == "--schema") {
			std::string schema;
			ok = take(schema);
			if (ok && (schema.empty() || schema.size() > 63)) {
				parsed.error = "--schema needs a schema name of 1 to 63 bytes";
				ok = false;
			}
			o.schema = schema;
		} else if (arg == "--artifact-root") {
			std::string root;
			ok = take(root);
			root_texts.push_back(root);
		} else if (arg == "--bookkeeping-owner") {
			std::string owner;
			ok = take(owner);
			if (ok && (owner.empty() || owner.size() > 63)) {
				parsed.error = "--bookkeeping-owner needs a role name of 1 to 63 bytes";
				ok = false;
			}
			o.bookkeeping_owner = owner;
		} else if (arg == "--once") {
			ok = flag(o.once);
		} else if (arg == "--dry-run") {
			ok = flag(o.dry_run);
		} else if (arg == "--json") {
			ok = flag(o.json);
		} else if (arg == "--progress" || arg == "--no-progress") {
			bool unused = false;
			ok = flag(unused);
			o.progress = arg == "--progress";
		} else if (arg == "--batch-size") {
			ok = number(1000, o.batch_size);
		} else if (arg == "--lease") {
			ok = number(7 * 86400, o.lease_seconds);
		} else if (arg == "--max-attempts") {
			ok = number(1000, o.max_attempts);
		} else if (arg == "--max-backoff") {
			ok = number(30LL * 86400, o.max_backoff_seconds);
		} else if (arg == "--interval") {
			ok = number(86400, o.interval_seconds);
		} else if (arg == "-h" || arg == "--help") {
			ok = flag(o.help);
		} else if (arg == "--version") {
			ok = flag(o.version);
		} else {
			parsed.error = "unknown argument '" + arg + "'";
			ok = false;
		}
		if (!ok) {
			return parsed;
		}
	}
	if (o.dry_run) {
		o.once = true;
	}
	if (o.help || o.version) {
		return parsed;
	}
	// The command line wins over the environment: a unit file's roots are replaced, not widened.
	if (root_texts.empty()) {
		root_texts = SplitRootList(roots_variable);
		o.roots_from_environment = !root_texts.empty();
	}
	if (root_texts.empty()) {
		parsed.error =
			"no artifact root is configured: this program deletes storage only inside the roots you name,\n"
			"so it does not start without one. Name every directory, bucket prefix or tracking server it may\n"
			"delete in, e.g.\n"
			"  mlflow-purge-artifacts --artifact-root /srv/mlflow/artifacts --artifact-root s3://ml-bucket/mlflow --once\n"
			"or in the environment (systemd EnvironmentFile), separated by spaces:\n"
			"  MLFLOW_PURGE_ARTIFACT_ROOTS='/srv/mlflow/artifacts s3://ml-bucket/mlflow mlflow-artifacts:/'";
		return parsed;
	}
	for (const auto &text : root_texts) {
		std::string error;
		auto root = ParseArtifactRoot(text, error);
		if (!root) {
			parsed.error = error +
			               (o.roots_from_environment ? std::string(" (from ") + kArtifactRootsVariable + ")" : "");
			return parsed;
		}
		o.roots.push_back(std::move(*root));
	}
	return parsed;
}

} // namespace mlflow_purge::artifacts
