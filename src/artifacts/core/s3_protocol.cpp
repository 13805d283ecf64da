#include "artifacts/core/s3_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace mlflow_purge::artifacts::s3 {
namespace {

// Text of every <tag>...</tag> directly found in [begin, end) of xml, in order. S3's documents
// use no attributes or CDATA on these elements, so tag matching is enough.
std::vector<std::string>
Elements(const std::string &xml, const std::string &tag) {
	std::vector<std::string> out;
	const std::string open = "<" + tag + ">";
	const std::string close = "</" + tag + ">";
	std::size_t pos = 0;
	while ((pos = xml.find(open, pos)) != std::string::npos) {
		const auto start = pos + open.size();
		const auto end = xml.find(close, start);
		if (end == std::string::npos) {
			break;
		}
		out.push_back(xml.substr(start, end - start));
		pos = end + close.size();
	}
	// <tag/> is an empty element
	const std::string empty = "<" + tag + "/>";
	for (pos = 0; (pos = xml.find(empty, pos)) != std::string::npos; pos += empty.size()) {
		out.emplace_back();
	}
	return out;
}

std::string
First(const std::string &xml, const std::string &tag) {
	auto all = Elements(xml, tag);
	return all.empty() ? std::string() : XmlUnescape(all.front());
}

bool
HasRoot(const std::string &xml, const std::string &root) {
	return xml.find("<" + root + ">") != std::string::npos || xml.find("<" + root + " ") != std::string::npos;
}

} // namespace

std::string
UriEncode(const std::string &text, bool encode_slash) {
	std::string out;
	for (unsigned char c : text) {
		if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
			out.push_back(static_cast<char>(c));
		} else {
			char buffer[4];
			std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned>(c));
			out += buffer;
		}
	}
	return out;
}

std::string
CanonicalQuery(std::vector<std::pair<std::string, std::string>> parameters) {
	for (auto &p : parameters) {
		p.first = UriEncode(p.first, true);
		p.second = UriEncode(p.second, true);
	}
	std::sort(parameters.begin(), parameters.end());
	std::string out;
	for (const auto &p : parameters) {
		out += (out.empty() ? "" : "&") + p.first + "=" + p.second;
	}
	return out;
}

std::optional<ListPage>
ParseListObjectsV2(const std::string &xml) {
	if (!HasRoot(xml, "ListBucketResult")) {
		return std::nullopt;
	}
	ListPage page;
	for (const auto &contents : Elements(xml, "Contents")) {
		const auto keys = Elements(contents, "Key");
		if (!keys.empty()) {
			page.keys.push_back(XmlUnescape(keys.front()));
		}
	}
	page.truncated = First(xml, "IsTruncated") == "true";
	page.next_continuation_token = First(xml, "NextContinuationToken");
	if (page.truncated && page.next_continuation_token.empty()) {
		return std::nullopt; // a truncated page we cannot continue from: do not pretend it is complete
	}
	return page;
}

std::string
DeleteObjectsBody(const std::vector<std::string> &keys) {
	std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
					   "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
	for (const auto &key : keys) {
		body += "<Object><Key>" + XmlEscape(key) + "</Key></Object>";
	}
	body += "</Delete>";
	return body;
}

std::optional<std::vector<DeleteError>>
ParseDeleteResult(const std::string &xml) {
	if (!HasRoot(xml, "DeleteResult")) {
		return std::nullopt;
	}
	std::vector<DeleteError> errors;
	for (const auto &error : Elements(xml, "Error")) {
		DeleteError e {First(error, "Key"), First(error, "Code"), First(error, "Message")};
		if (e.code != "NoSuchKey") {
			errors.push_back(std::move(e));
		}
	}
	return errors;
}

std::string
ErrorSummary(const std::string &xml) {
	if (!HasRoot(xml, "Error")) {
		return {};
	}
	const std::string code = First(xml, "Code");
	std::string message = First(xml, "Message"); // not const: returned by move
	if (code.empty()) {
		return message;
	}
	return message.empty() ? code : code + ": " + message;
}

std::string
XmlEscape(const std::string &text) {
	std::string out;
	for (char c : text) {
		switch (c) {
		case '&':
			out += "&amp;";
			break;
		case '<':
			out += "&lt;";
			break;
		case '>':
			out += "&gt;";
			break;
		case '"':
			out += "&quot;";
			break;
		case '\'':
			out += "&apos;";
			break;
		default:
			out.push_back(c);
		}
	}
	return out;
}

std::string
XmlUnescape(const std::string &text) {
	std::string out;
	for (std::size_t i = 0; i < text.size(); ++i) {
		if (text[i] != '&') {
			out.push_back(text[i]);
			continue;
		}
		const auto semi = text.find(';', i);
		if (semi == std::string::npos) {
			out.push_back(text[i]);
			continue;
		}
		const std::string entity = text.substr(i + 1, semi - i - 1);
		unsigned long code = 0;
		bool ok = true;
		if (entity == "amp") {
			code = '&';
		} else if (entity == "lt") {
			code = '<';
		} else if (entity == "gt") {
			code = '>';
		} else if (entity == "quot") {
			code = '"';
		} else if (entity == "apos") {
			code = '\'';
		} else if (entity.size() > 1 && entity[0] == '#') {
			const bool hex = entity[1] == 'x' || entity[1] == 'X';
			const std::string digits = entity.substr(hex ? 2 : 1);
			ok = !digits.empty() && std::all_of(digits.begin(), digits.end(), [hex](unsigned char c) {
				return hex ? std::isxdigit(c) != 0 : std::isdigit(c) != 0;
			});
			if (ok) {
				code = std::stoul(digits, nullptr, hex ? 16 : 10);
				ok = code > 0 && code <= 0x10FFFF;
			}
		} else {
			ok = false;
		}
		if (!ok) {
			out.push_back(text[i]);
			continue;
		}
		// UTF-8 encode the code point
		if (code < 0x80) {
			out.push_back(static_cast<char>(code));
		} else if (code < 0x800) {
			out.push_back(static_cast<char>(0xC0 | (code >> 6)));
			out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
		} else if (code < 0x10000) {
			out.push_back(static_cast<char>(0xE0 | (code >> 12)));
			out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
			out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
		} else {
			out.push_back(static_cast<char>(0xF0 | (code >> 18)));
			out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
			out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
			out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
		}
		i = semi;
	}
	return out;
}

} // namespace mlflow_purge::artifacts::s3
