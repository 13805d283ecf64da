/* mlflow_purge 1.2.0 -> 1.3.0: batched purges of a backlog, declared soft links, trace retention. */

\echo Use "ALTER EXTENSION mlflow_purge UPDATE TO '1.3.0'" to load this file. \quit
