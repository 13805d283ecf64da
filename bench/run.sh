#!/usr/bin/env bash
# mlflow_purge benchmark: the extension (with and without its bookkeeping) vs the floor (best plain SQL,
# one transaction) vs the first hand-written cascade (temp tables) vs a
# per-run strategy (one transaction per run, as `mlflow gc`), on identical copies of the same
# generated MLflow database, in one run. See bench/README.md.
#
#   bash bench/run.sh [--scale default|full] [--scenarios A,B,B+ix,C,D,E,E+ix] [--versions 3.11,2.9.2]
#                     [--strategies extension,ext-nobook,floor,cascade-temp,per-run]
#                     [--reps N] [--timeout SECONDS] [--seed TEXT] [--rebuild] [--installed] [--stop-cluster]
#
# Needs the extension installed in PostgreSQL 15 (make install). Starts its own cluster in
# $BENCH_DIR (default /tmp/mlflow-purge-bench, port $BENCH_PORT default 55435), keeps generated
# template databases there between runs (rebuilt when the sizes or seed change, or with --rebuild).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
scale=default
scenarios=A,B,B+ix,C,D,E,E+ix
versions=3.11,2.9.2
reps=3
timeout_s=300
seed=mlflow-purge-bench-1
rebuild=0
keep=1
ext_mode=head
strategy_list=extension,ext-nobook,floor,cascade-temp,per-run
while [ $# -gt 0 ]; do
	case "$1" in
	--scale) scale=$2; shift 2 ;;
	--scenarios) scenarios=$2; shift 2 ;;
	--versions) versions=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--strategies) strategy_list=$2; shift 2 ;;
	--rebuild) rebuild=1; shift ;;
	--installed) ext_mode=installed; shift ;;
	--stop-cluster) keep=0; shift ;;
	--keep-cluster) keep=1; shift ;;
	-h | --help) sed -n '2,12p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
case "$scale" in default | full | tiny) ;; *) echo "run.sh: --scale default|full" >&2; exit 2 ;; esac

export PGHOST=${BENCH_DIR:-/tmp/mlflow-purge-bench} PGPORT=${BENCH_PORT:-55435} PGUSER=postgres
export PGOPTIONS="-c client_min_messages=warning"
bash "$here/cluster.sh" start "$PGHOST" "$PGPORT"
[ "$keep" = 1 ] || trap 'bash "$here/cluster.sh" stop "$PGHOST"' EXIT
work=$(mktemp -d /tmp/mlflow-purge-bench-run.XXXXXX)
results=$work/results.tsv
: >"$results"
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_v() { psql -X -At -v ON_ERROR_STOP=1 "$@"; }
psql_q -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"

# ---- sizes ---------------------------------------------------------------------------------
# name: live_exps del_exps live_runs del_runs single_del metrics feat_exp_runs feat_exp_metrics feat_run_metrics
sizes() { # shape -> the gen.sql parameters
	local shape=$1 f=1
	case "$scale" in default) f=10 ;; tiny) f=100 ;; esac
	case "$shape" in
	A) echo "40 10 1800 200 20 200000 200 1000 0" ;;                        # fixed by the issue
	C) echo "40 10 1800 200 20 200000 0 0 1000000" ;;                       # fixed by the issue
	B) echo "$((1000 / f)) $((1000 / f)) $((90000 / f)) $((10000 / f)) 0 $((20000000 / f)) 0 0 1000" ;;
	E) # the same as B; but without run_uuid indexes each deleted run costs a scan of each run-keyed
		# table, so the default scale is 1/50 of B (full: B's own sizes, hours for some strategies)
		local g=1
		case "$scale" in default) g=50 ;; tiny) g=500 ;; esac
		echo "$((1000 / g)) $((1000 / g)) $((90000 / g)) $((10000 / g)) 0 $((20000000 / g)) 0 0 1000" ;;
	esac
}
ver_file() { case "$1" in 3.11) echo 3.11.2.dev0 ;; *) echo "$1" ;; esac; }
dbname() { echo "bench_$(echo "$1_$2_$scale" | tr '.+' '_x' | tr 'A-Z' 'a-z')"; }

# ---- templates -------------------------------------------------------------------------------
signature() { echo "gen.sql=$(md5sum "$here/gen.sql" | cut -c1-8) seed=$seed sizes=$*"; }
db_comment() { psql_v -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$1'"; }
finish_template() {
	psql_q -d "$1" -c "VACUUM (FREEZE, ANALYZE)" -c "CHECKPOINT"
}
# The extension under test. Default: the repository's committed HEAD, built into the cluster
# directory and bound by absolute path (other sessions may reinstall work in progress into the
# server's $libdir at any time); --installed: CREATE EXTENSION from what is installed.
ext_so=""
ext_label=""
prepare_extension() {
	if [ "$ext_mode" = installed ]; then
		ext_label="installed mlflow_purge $(psql_v -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'mlflow_purge'") ($(date -r /usr/lib/postgresql/15/lib/mlflow_purge.so '+%F %T'))"
		return
	fi
	local commit dir
	commit=$(git -C "$root" rev-parse --short HEAD)
	dir="$PGHOST/ext-$commit"
	if [ ! -f "$dir/mlflow_purge.so" ]; then
		echo "  building mlflow_purge at commit $commit into $dir (once)" >&2
		rm -rf "$dir" && mkdir -p "$dir"
		git -C "$root" archive HEAD | tar -x -C "$dir"
		make -C "$dir" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config -j2 >"$dir/build.log" 2>&1 || { tail "$dir/build.log" >&2; exit 1; }
		chmod -R a+rX "$dir"
	fi
	ext_so="$dir/mlflow_purge.so"
	ext_label="mlflow_purge at commit $commit (git HEAD, built by run.sh)"
}
ext_setup() { # db: make the purge functions of the extension under test available in db
	if [ "$ext_mode" = installed ]; then
		psql_q -d "$1" -c "CREATE EXTENSION IF NOT EXISTS mlflow_purge" -c "ALTER EXTENSION mlflow_purge UPDATE"
		return
	fi
	# Since 1.1.0 the library looks up its pg_extension row (the audit and outbox rows are written
	# as the extension owner), so the functions must belong to a real extension: CREATE EXTENSION
	# from the installed scripts (checked equal to HEAD's; only tables and function signatures come
	# from them), then bind its C functions to the HEAD build by absolute path.
	if [ "$(psql_v -d "$1" -c "SELECT count(*) FROM pg_proc WHERE probin = '$ext_so'")" = 0 ]; then
		local dir f v
		dir=$(dirname "$ext_so")
		v=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$dir/mlflow_purge.control")
		for f in mlflow_purge.control "mlflow_purge--$v.sql"; do
			cmp -s "$dir/$f" "/usr/share/postgresql/15/extension/$f" ||
				echo "  WARNING: installed $f differs from HEAD's; the bench's extension objects come from the installed one" >&2
		done
		psql_q -d "$1" -c "DROP EXTENSION IF EXISTS mlflow_purge CASCADE" -c "DROP SCHEMA IF EXISTS mlflow_purge CASCADE" \
			-c "DO \$\$ DECLARE f regprocedure; BEGIN FOR f IN SELECT oid FROM pg_proc WHERE proname LIKE 'mlflow\\_purge%' AND pronamespace = 'public'::regnamespace LOOP EXECUTE format('DROP FUNCTION %s', f); END LOOP; END \$\$" \
			-c "CREATE EXTENSION mlflow_purge VERSION '$v' SCHEMA public" \
			-c "UPDATE pg_proc SET probin = '$ext_so' WHERE probin IS NOT NULL AND oid IN (SELECT d.objid FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid WHERE x.extname = 'mlflow_purge' AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e')"
	fi
}
build_base() { # version shape -> template db name (built unless already there with the same signature)
	local v=$1 shape=$2 db sig p
	db=$(dbname "$v" "$shape")
	read -r -a p <<<"$(sizes "$shape")"
	sig=$(signature "${p[*]}")
	if [ "$rebuild" = 0 ] && [ "$(db_comment "$db")" = "$sig" ]; then echo "$db"; return; fi
	echo "  building $db (MLflow $v: ${p[*]})" >&2
	local t0=$SECONDS
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
	psql_q -d "$db" -f "$root/test/fixtures/mlflow/schema-$(ver_file "$v").sql" >/dev/null
	psql_q -d "$db" -v seed="$seed" -v live_exps="${p[0]}" -v del_exps="${p[1]}" -v live_runs="${p[2]}" -v del_runs="${p[3]}" \
		-v single_del="${p[4]}" -v metrics="${p[5]}" -v max_rpe=5000 -v feat_exp_runs="${p[6]}" -v feat_exp_metrics="${p[7]}" \
		-v feat_run_metrics="${p[8]}" -f "$here/gen.sql" >/dev/null
	finish_template "$db"
	psql_q -d postgres -c "COMMENT ON DATABASE $db IS '$sig'"
	echo "  built $db in $((SECONDS - t0)) s" >&2
	echo "$db"
}
derive() { # base variant sql... -> derived template (same base data, different indexes)
	local base=$1 variant=$2 db sig
	shift 2
	db="${base}_$variant"
	sig="$(db_comment "$base")"
	sig="${sig% indexed} variant=$variant"
	local have
	have=$(db_comment "$db")
	if [ "$rebuild" = 0 ] && [ "${have% indexed}" = "$sig" ]; then echo "$db"; return; fi
	echo "  deriving $db" >&2
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE $base STRATEGY FILE_COPY"
	for sql in "$@"; do printf "%s\n" "$sql" | psql_q -d "$db" >/dev/null; done
	finish_template "$db"
	psql_q -d postgres -c "COMMENT ON DATABASE $db IS '$sig'"
	echo "$db"
}
add_recommended_indexes() { # db: create the indexes the extension's preflight recommends (or, without one, the bench's rule)
	if [ "$(psql_v -d "$1" -c "SELECT to_regprocedure('mlflow_purge_check()') IS NOT NULL")" = t ]; then
		echo "    (from SELECT fix FROM mlflow_purge_check())" >&2
		psql_v -d "$1" -c "SELECT fix || ';' FROM mlflow_purge_check() WHERE fix ILIKE 'CREATE INDEX%' ORDER BY 1" >"$work/ix.sql"
		echo "    (the bench's own rule, sql/fk-indexes.sql, would add:)" >&2
		psql_v -d "$1" -f "$here/sql/fk-indexes.sql" | sed 's/^/      /' >&2
	else
		echo "    (no mlflow_purge_check() installed: the bench's rule, sql/fk-indexes.sql)" >&2
		psql_v -d "$1" -f "$here/sql/fk-indexes.sql" | sed 's/$/;/' >"$work/ix.sql"
	fi
	sed 's/^/    /' "$work/ix.sql" >&2
	psql_q -d "$1" -f "$work/ix.sql"
	psql_q -d "$1" -c "ANALYZE"
}
drop_run_uuid_indexes="SELECT format('DROP INDEX public.%I', indexname) FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('metrics', 'latest_metrics', 'params', 'tags') AND indexname LIKE 'index_%run_uuid%' \\gexec"

# ---- one strategy on a fresh copy ----------------------------------------------------------------
run_one() { # scenario version template kind target strategy rep
	local sc=$1 v=$2 tpl=$3 kind=$4 target=$5 strat=$6 rep=$7 copy="bench_copy" body
	psql_q -d postgres -c "DROP DATABASE IF EXISTS $copy WITH (FORCE)" -c "CREATE DATABASE $copy TEMPLATE $tpl STRATEGY FILE_COPY"
	local oid
	oid=$(psql_v -d postgres -c "SELECT oid FROM pg_database WHERE datname = '$copy'")
	# a full reset: the entries of earlier copies (one dbid each) would otherwise fill
	# pg_stat_statements.max, and its deallocation then drops entries of the copy being measured
	psql_q -d postgres -c "SELECT pg_stat_statements_reset()" >/dev/null
	case "$strat" in
	extension | ext-nobook)
		case "$kind" in
		experiment) body="SELECT * FROM mlflow_purge_experiment(:target) \\g /dev/null" ;;
		run) body="SELECT * FROM mlflow_purge_run(:'target') \\g /dev/null" ;;
		deleted) body="SELECT * FROM mlflow_purge_deleted() \\g /dev/null" ;;
		esac ;;
	floor) body="\\i $here/sql/floor-$v.sql" ;;
	cascade-temp) body="\\i $here/sql/cascade-temp-$v.sql" ;;
	per-run) body="\\i $here/sql/perrun-$v.sql" ;;
	esac
	if [ "$strat" = ext-nobook ]; then
		# the same build with its bookkeeping tables hidden: bookkeeping_installed() is false, so the
		# call skips the outbox query, the outbox INSERT and the audit INSERT (as at version 1.0.0)
		psql_q -d "$copy" -c "ALTER SCHEMA mlflow_purge RENAME TO mlflow_purge_hidden"
	fi
	cat >"$work/session.sql" <<SQL
\\set ON_ERROR_STOP 1
SELECT pg_backend_pid() AS pid, extract(epoch FROM clock_timestamp()) AS t0 /* bench-bookkeeping */ \\gset
\\echo PID :pid
$body
SELECT 'RESULT', round(((extract(epoch FROM clock_timestamp()) - :t0) * 1000)::numeric, 1),
       (regexp_match(s, 'VmHWM:\\s+(\\d+)'))[1]::bigint / 1024, (regexp_match(s, 'RssShmem:\\s+(\\d+)'))[1]::bigint / 1024
FROM pg_read_file('/proc/self/status') AS s /* bench-bookkeeping */;
SQL
	local out ms hwm shm pid status=ok
	if out=$(timeout "$timeout_s" psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -v kind="$kind" -v target="$target" -d "$copy" -f "$work/session.sql" 2>"$work/err"); then
		read -r _ ms hwm shm <<<"$(grep '^RESULT' <<<"$out")"
	else
		status=$([ -s "$work/err" ] && echo error || echo timeout)
		ms=$((timeout_s * 1000)); hwm=0; shm=0
		[ "$status" = error ] && sed 's/^/    /' "$work/err" >&2
	fi
	pid=$(sed -n 's/^PID //p' <<<"$out")
	psql_q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$copy'" >/dev/null
	# the backend flushes its table statistics when it exits: wait for it to be gone
	for _ in $(seq 100); do
		[ "$(psql_v -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE pid = ${pid:-0}")" = 0 ] && break
		sleep 0.05
	done
	local rows sig stm fkq
	read -r rows sig <<<"$(psql_v -F ' ' -d "$copy" -c "SELECT coalesce(sum(n_tup_del), 0), coalesce(string_agg(relname || '=' || n_tup_del, ',' ORDER BY relname) FILTER (WHERE n_tup_del > 0), '-') FROM pg_stat_user_tables WHERE schemaname = 'public'")"
	read -r stm fkq <<<"$(psql_v -F ' ' -d postgres -c "SELECT coalesce(sum(calls) FILTER (WHERE strpos(query, 'ONLY ' || chr(34)) = 0), 0), coalesce(sum(calls) FILTER (WHERE strpos(query, 'ONLY ' || chr(34)) > 0), 0) FROM pg_stat_statements WHERE dbid = $oid AND query NOT LIKE '%bench-bookkeeping%'")"
	psql_q -d postgres -c "DROP DATABASE $copy WITH (FORCE)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$v" "$rep" "$strat" "$status" "$ms" "$rows" "$stm" "$fkq" "$hwm" "$((hwm - shm))" "$sig" >>"$results"
	printf '    %-5s %-5s rep %s %-9s %9s ms %-7s rows %9s stmts %7s fk-queries %7s mem %4s/%4s MB\n' "$sc" "$v" "$rep" "$strat" "$ms" "$status" "$rows" "$stm" "$fkq" "$hwm" "$((hwm - shm))" >&2
}

run_scenario() { # scenario version
	local sc=$1 v=$2 base tpl kind target n=$reps
	case "$sc" in
	A) base=$(build_base "$v" A); tpl=$base ;;
	B | D) base=$(build_base "$v" B); tpl=$base ;;
	B+ix) base=$(build_base "$v" B); tpl=$(derive "$base" ix "SELECT 1") ;;
	C) base=$(build_base "$v" C); tpl=$base ;;
	E) base=$(build_base "$v" E); tpl=$(derive "$base" norunidx "$drop_run_uuid_indexes"); n=1 ;;
	E+ix) base=$(build_base "$v" E); tpl=$(derive "$base" norunidx "$drop_run_uuid_indexes"); tpl=$(derive "$tpl" ix "SELECT 1"); n=1 ;;
	*) echo "run.sh: unknown scenario $sc" >&2; exit 2 ;;
	esac
	ext_setup "$tpl"
	if [[ "$sc" == *+ix ]] && [ "$(psql_v -d "$tpl" -c "SELECT shobj_description(oid, 'pg_database') LIKE '%indexed%' FROM pg_database WHERE datname = current_database()")" != t ]; then
		echo "  $tpl: creating the indexes the preflight rule recommends:" >&2
		add_recommended_indexes "$tpl"
		psql_q -d "$tpl" -c "VACUUM (FREEZE, ANALYZE)" -c "CHECKPOINT"
		psql_q -d postgres -c "COMMENT ON DATABASE $tpl IS '$(db_comment "$tpl") indexed'"
	fi
	case "$sc" in
	A) kind=experiment; target=$(psql_v -d "$tpl" -c "SELECT value FROM bench.meta WHERE key = 'featured_experiment'") ;;
	C | D) kind=run; target=$(psql_v -d "$tpl" -c "SELECT value FROM bench.meta WHERE key = 'featured_run'") ;;
	*) kind=deleted; target=- ;;
	esac
	local m
	m=$(psql_v -F ' ' -d "$tpl" -c "SELECT string_agg(key || '=' || value, ' ' ORDER BY key) FROM bench.meta WHERE key NOT IN ('seed', 'featured_run', 'featured_experiment')")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$v" "$kind" "$target" "$(psql_v -d postgres -c "SELECT pg_size_pretty(pg_database_size('$tpl'))")" "$m" >>"$work/scenarios.tsv"
	echo "  scenario $sc, MLflow $v: template $tpl, purge $kind $target; $m" >&2
	local r i ns=${#strategies[@]}
	for ((r = 1; r <= n; r++)); do
		for ((i = 0; i < ns; i++)); do # rotate the order each repetition
			run_one "$sc" "$v" "$tpl" "$kind" "$target" "${strategies[$(((i + r - 1) % ns))]}" "$r"
		done
	done
}

prepare_extension
echo "mlflow_purge bench: scale=$scale scenarios=$scenarios versions=$versions reps=$reps timeout=${timeout_s}s seed=$seed" >&2
: >"$work/scenarios.tsv"
IFS=, read -r -a sc_list <<<"$scenarios"
IFS=, read -r -a v_list <<<"$versions"
IFS=, read -r -a strategies <<<"$strategy_list"
for v in "${v_list[@]}"; do
	[ -r "$here/sql/floor-$v.sql" ] || { echo "run.sh: no floor script for MLflow $v" >&2; exit 2; }
	for sc in "${sc_list[@]}"; do
		# The issue's scenarios are version-independent; the variants (B+ix, E, E+ix) are heavy, so on
		# versions other than the first listed only A-D (the bound ones) run unless --scenarios
		# names them explicitly.
		if [ "$v" != "${v_list[0]}" ] && [ "$scenarios" = A,B,B+ix,C,D,E,E+ix ] && [[ "$sc" == *+ix || "$sc" == E ]]; then continue; fi
		run_scenario "$sc" "$v"
	done
done

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
pgver=$(psql_v -d postgres -c "SHOW server_version")
pgver="$pgver; $ext_label"
settings=$(psql_v -d postgres -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem', 'autovacuum', 'jit', 'max_parallel_workers_per_gather')")
python3 "$here/report.py" "$results" "$work/scenarios.tsv" "$machine; PostgreSQL $pgver; $settings" \
	"bash bench/run.sh --scale $scale --scenarios $scenarios --versions $versions --strategies $strategy_list --reps $reps --seed $seed"
cp "$results" "$here/last-results.tsv"
echo "(raw results: $results, copied to bench/last-results.tsv)" >&2
