// The C++ zone's wall: every core header includes this file, so a core file that includes a
// PostgreSQL header first fails to compile. The CMake build has no PostgreSQL include path at
// all and the PGXS Makefile compiles src/core without one, so the reverse order fails too.
//
// What the rule means, exactly: the core includes no PostgreSQL header, links no PostgreSQL
// library and calls no server or libpq API, so it builds, runs and is unit-tested without a
// server, and no ereport can longjmp through it. It does know PostgreSQL's SQL: it writes every
// statement both drivers run (the purge program, the catalog queries of catalog_queries.h, the
// bookkeeping INSERTs of bookkeeping_sql.h), as plain strings. Running them is the drivers' job
// (src/pg over SPI, src/cli over libpq).
#pragma once

#if defined(POSTGRES_H) || defined(FMGR_H) || defined(SPI_H)
#error "src/core is the C++ zone: it must not see PostgreSQL headers (see docs/design.md section 5)"
#endif
