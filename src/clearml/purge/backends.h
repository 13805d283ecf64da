// The four backends a purge talks to. Elasticsearch, the fileserver and Redis are optional
// (--skip-*); MongoDB is not: it is where the tenant is defined.
#pragma once

#include "adapters/document_store.h"
#include "adapters/file_store.h"
#include "adapters/index_store.h"
#include "adapters/key_store.h"

namespace clearml_purge {

struct Backends {
  DocumentStore& mongo;
  IndexStore* elasticsearch = nullptr;
  FileStore* fileserver = nullptr;
  KeyStore* redis = nullptr;
};

}  // namespace clearml_purge
