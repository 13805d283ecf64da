# PGXS build of the mlflow_purge extension: the C++ core (src/core) and the PostgreSQL glue
# (src/pg) linked into one mlflow_purge.so. The core's unit tests are built by CMake.

EXTENSION = mlflow_purge
MODULE_big = mlflow_purge
DATA = $(wildcard mlflow_purge--*.sql)

CORE_SRCS = $(sort $(wildcard src/core/*.cpp))
GLUE_SRCS = $(sort $(wildcard src/pg/*.cpp))
OBJS = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# pg_regress: every sql/*.sql, in name order; expected output in expected/.
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --outputdir=$(or $(REGRESS_OUTPUTDIR),.)
# `make installcheck` runs against the server the PG* variables name (PGXS); the topics clone one
# template database per MLflow schema, built first (needs a role that may create databases).
REGRESS_PREP = regress-templates

PG_CONFIG ?= pg_config
# The server's headers as system headers: their own unused parameters are not our warnings.
PG_CPPFLAGS = -Isrc -isystem $(shell $(PG_CONFIG) --includedir-server)
# The version 18's magic block records (src/pg/pg_compat.h): the control file's default_version.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" mlflow_purge.control)
PG_CPPFLAGS += -DMLFLOW_PURGE_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS = -std=c++17 -Wno-register -Wall -Wextra -Wno-missing-field-initializers
ifeq ($(ERROR_ON_WARNING),1)
PG_CXXFLAGS += -Werror
endif
SHLIB_LINK += -lstdc++

EXTRA_CLEAN = results regression.diffs regression.out $(OBJS:.o=.d)

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Debian's PostgreSQL is built with LLVM: the bitcode compile ignores PG_CXXFLAGS unless told.
COMPILE.cxx.bc += $(PG_CXXFLAGS)

# The C++ zone is compiled without the server's include path, so a PostgreSQL header included
# from src/core fails the build here as it does in CMake. Warnings are errors there, always.
src/core/%.o: override CPPFLAGS := -Isrc
src/core/%.o: override CXXFLAGS += -Werror -Wshadow
src/core/%.bc: override CPPFLAGS := -Isrc

# Header dependencies: PGXS does not track them, and a stale object with an old struct layout
# is undefined behaviour, not a build error. Only the object compile writes the .d file (the
# bitcode compile gets PG_CXXFLAGS too and would overwrite it with its own target), and each
# bitcode file is rebuilt whenever its object is.
%.o: override CXXFLAGS += -MMD -MP
$(OBJS:.o=.bc): %.bc: %.o
-include $(OBJS:.o=.d)

# Test-only: mlflow_purge_debug.so, the core plus src/pg/debug_boundary.cpp compiled with
# MLFLOW_PURGE_DEBUG_DOOR, for the boundary suite (test/reliability/boundary.py). Reuses the
# extension's own objects; `make install` never installs it, `make install-debug-module` does.
DEBUG_MODULE = mlflow_purge_debug$(DLSUFFIX)
EXTRA_CLEAN += $(DEBUG_MODULE) src/pg/debug_boundary.debug.o
src/pg/debug_boundary.debug.o: src/pg/debug_boundary.cpp src/pg/pg_zone.h src/core/door.h
	$(CXX) $(CXXFLAGS) $(CPPFLAGS) -DMLFLOW_PURGE_DEBUG_DOOR -c -o $@ $<
$(DEBUG_MODULE): $(CORE_SRCS:.cpp=.o) src/pg/errors.o src/pg/debug_boundary.debug.o
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(LDFLAGS_SL) -shared -o $@ $^ -lstdc++
.PHONY: debug-module install-debug-module
debug-module: $(DEBUG_MODULE)
install-debug-module: $(DEBUG_MODULE)
	$(INSTALL_SHLIB) $(DEBUG_MODULE) '$(DESTDIR)$(pkglibdir)/'

.PHONY: regress-templates
regress-templates:
	PG_CONFIG='$(PG_CONFIG)' bash test/pg/make-templates.sh


# Every C++ folder: clang-format (.clang-format; src/pg/.clang-format) and clang-tidy (.clang-tidy,
# with the CMake build's compile_commands.json from BUILD_DIR). Both run as ctests too
# (project.unit.format, project.unit.lint).
.PHONY: format format-check lint
format:
	bash scripts/format.sh
format-check:
	bash scripts/format.sh --check
lint:
	PG_CONFIG='$(PG_CONFIG)' bash scripts/lint.sh $(or $(BUILD_DIR),build)
