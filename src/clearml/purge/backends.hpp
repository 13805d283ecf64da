// The four backends a purge talks to. Elasticsearch, the fileserver and Redis are optional
// (--skip-*); MongoDB is not: it is where the tenant is defined.
#pragma once

#include "clearml/adapters/document_store.hpp"
#include "clearml/adapters/file_store.hpp"
#include "clearml/adapters/index_store.hpp"
#include "clearml/adapters/key_store.hpp"

namespace mlflow_purge::clearml {

struct Backends {
	DocumentStore &mongo;
	IndexStore *elasticsearch = nullptr;
	FileStore *fileserver = nullptr;
	KeyStore *redis = nullptr;
};

} // namespace mlflow_purge::clearml
