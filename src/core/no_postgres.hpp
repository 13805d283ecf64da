// The C++ zone's wall: every core header includes this file, so a core file that includes a
// PostgreSQL header first fails to compile. The CMake build has no PostgreSQL include path at
// all and the PGXS Makefile compiles src/core without one, so the reverse order fails too.
#pragma once

#if defined(POSTGRES_H) || defined(FMGR_H) || defined(SPI_H)
#error "src/core is the C++ zone: it must not see PostgreSQL headers (see docs/design.md section 5)"
#endif
