#include "cli/output.hpp"

#include <algorithm>
#include <cstdio>

namespace mlflow_purge::cli {
namespace {

std::string
Spaces(size_t n) {
	return std::string(n, ' ');
}

std::string
NoticesJson(const std::vector<Notice> &notices) {
	std::string out = "[";
	for (size_t i = 0; i < notices.size(); ++i) {
		out += (i ? ", " : "") + std::string("{\"message\": ") + JsonString(notices[i].message) +
		       ", \"detail\": " + JsonString(notices[i].detail) + ", \"hint\": " + JsonString(notices[i].hint) + "}";
	}
	return out + "]";
}

const char *
TypeName(unsigned int oid) {
	switch (oid) {
	case kInt4ArrayOid:
		return "int4[]";
	case kTextArrayOid:
		return "text[]";
	case kTextOid:
		return "text";
	case kIntervalOid:
		return "interval";
	case kInt4Oid:
		return "int4";
	default:
		return "?";
	}
}

} // namespace

// psql's aligned format with border 1: headers centred, text left, numbers right, no padding
// after the last column, "(N rows)" and an empty line.
std::string
PsqlTable(const std::vector<TableCount> &rows) {
	const std::string h1 = "table_name";
	const std::string h2 = "rows_deleted";
	size_t w1 = h1.size();
	size_t w2 = h2.size();
	for (const auto &r : rows) {
		w1 = std::max(w1, r.table.size());
		w2 = std::max(w2, std::to_string(r.rows).size());
	}
	std::string out;
	const size_t left1 = (w1 - h1.size()) / 2;
	const size_t left2 = (w2 - h2.size()) / 2;
	out += " " + Spaces(left1) + h1 + Spaces(w1 - h1.size() - left1) + " | " + Spaces(left2) + h2;
	const size_t right2 = w2 - h2.size() - left2;
	out += Spaces(right2) + " \n"; // psql ends the header line with the border's space
	out += std::string(w1 + 2, '-') + "+" + std::string(w2 + 2, '-') + "\n";
	for (const auto &r : rows) {
		const std::string n = std::to_string(r.rows);
		out += " " + r.table + Spaces(w1 - r.table.size()) + " | " + Spaces(w2 - n.size()) + n + "\n";
	}
	out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n") + "\n";
	return out;
}

std::string
JsonString(const std::string &text) {
	std::string out = "\"";
	for (unsigned char c : text) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			if (c < 0x20) {
				char buffer[8];
				std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
				out += buffer;
			} else {
				out.push_back(static_cast<char>(c));
			}
		}
	}
	return out + "\"";
}

std::string
OutcomeJson(const PurgeOutcome &outcome, const std::vector<Notice> &notices) {
	std::string out = "{\"function\": " + JsonString(outcome.function) + ", \"schema\": " + JsonString(outcome.schema) +
	                  ", \"dry_run\": " + (outcome.dry_run ? "true" : "false") + ", \"rows\": [";
	for (size_t i = 0; i < outcome.rows.size(); ++i) {
		out += (i ? ", " : "") + std::string("{\"table_name\": ") + JsonString(outcome.rows[i].table) +
		       ", \"rows_deleted\": " + std::to_string(outcome.rows[i].rows) + "}";
	}
	out += "], \"total_rows\": " + std::to_string(outcome.total_rows) +
	       ", \"artifacts_queued\": " + std::to_string(outcome.artifacts_queued) +
	       ", \"targets_skipped\": " + std::to_string(outcome.targets_skipped) +
	       ", \"audited\": " + (outcome.audited ? "true" : "false") + ", \"notices\": " + NoticesJson(notices) + "}\n";
	return out;
}

std::string
ErrorJson(const SqlError &error, const std::vector<Notice> &notices) {
	return "{\"error\": {\"sqlstate\": " + JsonString(error.sqlstate) + ", \"message\": " + JsonString(error.message) +
	       ", \"detail\": " + JsonString(error.detail) + ", \"hint\": " + JsonString(error.hint) +
	       ", \"context\": " + JsonString(error.context) + "}, \"notices\": " + NoticesJson(notices) + "}\n";
}

std::string
PlanText(const PlannedProgram &plan) {
	std::string out = "-- mlflow-purge plan: " + plan.function + " on schema \"" + plan.schema + "\"" +
	                  (plan.dry_run ? ", dry run" : "") + ": " + std::to_string(plan.steps.size()) +
	                  " statements, one transaction (BEGIN; SET LOCAL search_path = pg_catalog, pg_temp; ... COMMIT)\n";
	out += "-- result rows, in cascade order:";
	for (const auto &t : plan.tables) {
		out += " " + t;
	}
	out += "\n-- parameters (every statement gets all of them; $1 and $2 change as the steps run, "
		   "and each select keys step sets its own):\n";
	for (size_t i = 0; i < plan.initial_parameters.size(); ++i) {
		const auto &p = plan.initial_parameters[i];
		out += "--   $" + std::to_string(i + 1) + " " + TypeName(p.type) + " = " +
		       (p.value ? "'" + *p.value + "'" : std::string("NULL")) + "\n";
	}
	for (size_t i = 0; i < plan.steps.size(); ++i) {
		const auto &s = plan.steps[i];
		out += "\n-- " + std::to_string(i + 1) + ". " + s.kind + (s.note.empty() ? "" : " (" + s.note + ")") + "\n";
		out += s.sql + ";\n";
	}
	return out;
}

std::string
PlanJson(const PlannedProgram &plan) {
	std::string out = "{\"function\": " + JsonString(plan.function) + ", \"schema\": " + JsonString(plan.schema) +
	                  ", \"dry_run\": " + (plan.dry_run ? "true" : "false") + ", \"tables\": [";
	for (size_t i = 0; i < plan.tables.size(); ++i) {
		out += (i ? ", " : "") + JsonString(plan.tables[i]);
	}
	out += "], \"parameters\": [";
	for (size_t i = 0; i < plan.initial_parameters.size(); ++i) {
		const auto &p = plan.initial_parameters[i];
		out += (i ? ", " : "") + std::string("{\"type\": ") + JsonString(TypeName(p.type)) +
		       ", \"value\": " + (p.value ? JsonString(*p.value) : std::string("null")) + "}";
	}
	out += "], \"steps\": [";
	for (size_t i = 0; i < plan.steps.size(); ++i) {
		out += (i ? ", " : "") + std::string("{\"kind\": ") + JsonString(plan.steps[i].kind) +
		       ", \"note\": " + JsonString(plan.steps[i].note) + ", \"sql\": " + JsonString(plan.steps[i].sql) + "}";
	}
	return out + "]}\n";
}

std::string
PsqlMessage(const std::string &severity, const Notice &notice) {
	std::string out = severity + ":  " + notice.message + "\n";
	if (!notice.detail.empty()) {
		out += "DETAIL:  " + notice.detail + "\n";
	}
	if (!notice.hint.empty()) {
		out += "HINT:  " + notice.hint + "\n";
	}
	return out;
}

std::string
PreflightText(const PreflightReport &report) {
	std::string out = "mlflow-purge check: schema \"" + report.schema +
	                  "\": " + std::to_string(report.findings.size()) +
	                  (report.findings.size() == 1 ? " finding\n" : " findings\n");
	for (const auto &f : report.findings) {
		out += "\n" + f.finding + "  " + f.object + "\n";
		if (f.detail && !f.detail->empty()) {
			out += "  " + *f.detail + "\n";
		}
		if (f.fix && !f.fix->empty()) {
			out += "  fix: " + *f.fix + "\n";
		}
	}
	return out;
}

std::string
PreflightJson(const PreflightReport &report) {
	const auto nullable = [](const std::optional<std::string> &v) { return v ? JsonString(*v) : std::string("null"); };
	std::string out = "{\"function\": \"mlflow_purge_check\", \"schema\": " + JsonString(report.schema) +
	                  ", \"findings\": [";
	for (size_t i = 0; i < report.findings.size(); ++i) {
		const auto &f = report.findings[i];
		out += (i ? ", " : "") + std::string("{\"finding\": ") + JsonString(f.finding) +
		       ", \"object\": " + JsonString(f.object) + ", \"detail\": " + nullable(f.detail) +
		       ", \"fix\": " + nullable(f.fix) + "}";
	}
	return out + "]}\n";
}

} // namespace mlflow_purge::cli
