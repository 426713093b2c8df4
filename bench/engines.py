"""The dashboard's cohort question answered by the engines alone, for comparison with onramp.

Runs the same SQL as onramp's `dashboard::cohort` (everything x one year) on a SQLite file
that `onramp generate` filled: in the `sqlite3` shell, and in DuckDB over CSV exports of the
same tables (DuckDB's SQLite reader is an extension this machine cannot download); with a
PostgreSQL URL, also in `psql` on a database generated with the same seed. Prints the median and
p99 of each, and the ratios. The same question is then answered from the counts onramp keeps
(`dashboard_counts`, the month rows of the year) by the `sqlite3` shell and `psql`, and checked
to give the same answer as the scan.
Usage: python engines.py FILE.sqlite3 [YEAR] [RUNS] [POSTGRES_URL]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import duckdb

STEPS = "'vet_course', 'workplace_training', 'volunteer_work', 'same_employer', 'new_employer', " \
        "'self_employment', 'job_retained'"
PAID = "'same_employer', 'new_employer', 'self_employment', 'job_retained'"


def cohort(year: int) -> str:
    """onramp's cohort query with the bound values written in (everything, one year)."""
    return f"""SELECT COUNT(*) AS started,
        COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM participants p WHERE p.id = t.participant_id
             AND p.presence_action_id IS NULL) THEN 1 ELSE 0 END), 0) AS reached_individually,
        COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM session_enrolments e WHERE e.participant_id = t.participant_id
             AND e.attendance = 'present') THEN 1 ELSE 0 END), 0) AS engaged,
        COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM outcomes x WHERE x.trajectory_id = t.id AND x.kind IN ({STEPS}))
             THEN 1 ELSE 0 END), 0) AS took_step,
        COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM outcomes x WHERE x.trajectory_id = t.id AND x.kind IN ({PAID}))
             THEN 1 ELSE 0 END), 0) AS paid_work
     FROM trajectories t WHERE t.started_on >= '{year}-01-01' AND t.started_on <= '{year}-12-31'"""


def kept_counts(year: int) -> str:
    """The cohort question from the kept counts: the month rows of one year, everything."""
    figures = ["started", "reached_individually", "engaged", "took_step", "paid_work"]
    sums = ", ".join(f"SUM(CASE WHEN figure = '{f}' THEN trajectories ELSE 0 END)" for f in figures)
    return f"""SELECT {sums} FROM dashboard_counts
     WHERE grain = 'm' AND period >= '{year}-01-01' AND period <= '{year}-12-01'"""


# The columns the question reads, ids as hex text so that CSV carries them.
EXPORTS = {
    "trajectories": "SELECT hex(id) AS id, hex(participant_id) AS participant_id, started_on FROM trajectories",
    "participants": "SELECT hex(id) AS id, hex(presence_action_id) AS presence_action_id FROM participants",
    "outcomes": "SELECT hex(trajectory_id) AS trajectory_id, kind FROM outcomes",
    "session_enrolments": "SELECT hex(participant_id) AS participant_id, attendance FROM session_enrolments",
}


def summary(name: str, timings: list[float]) -> float:
    timings = sorted(timings)
    median = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, len(timings) * 99 // 100)]
    print(f"{name:<44} median {median * 1000:8.2f} ms   p99 {p99 * 1000:8.2f} ms   ({len(timings)} runs)")
    return median


def sqlite_shell(path: str, sql: str, runs: int) -> tuple[list[float], str]:
    """Times the query in the sqlite3 shell (`.timer on`), warm: one untimed run first."""
    script = ".timer on\n" + (sql + ";\n") * (runs + 1)
    out = subprocess.run(["sqlite3", path], input=script, capture_output=True, text=True, check=True).stdout
    timings = [float(line.split()[3]) for line in out.splitlines() if line.startswith("Run Time:")][1:]
    answer = next(line for line in out.splitlines() if not line.startswith("Run Time:"))
    return timings, answer


def psql(url: str, sql: str, runs: int) -> tuple[list[float], str]:
    """Times the query in psql (`\\timing`), warm: one untimed run first."""
    script = "\\timing on\n" + (sql + ";\n") * (runs + 1)
    out = subprocess.run(["psql", "-X", "-A", "-t", url], input=script, capture_output=True, text=True,
                         check=True).stdout
    timings = [float(line.split()[1]) / 1000 for line in out.splitlines() if line.startswith("Time:")][1:]
    answer = next(line for line in out.splitlines() if line and not line.startswith(("Time:", "Timing")))
    return timings, answer


def duckdb_over_csv(path: str, sql: str, runs: int) -> tuple[list[float], str]:
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        for table, select in EXPORTS.items():
            csv = os.path.join(tmp, f"{table}.csv")
            with open(csv, "w") as out:
                subprocess.run(["sqlite3", "-csv", path, select], stdout=out, check=True)
            # The columns the SELECT names, all text; an empty table exports an empty file.
            columns = [part.split(" AS ")[-1].strip() for part in select[7:].split(" FROM ")[0].split(",")]
            con.execute(f"CREATE TABLE {table} ({', '.join(c + ' VARCHAR' for c in columns)})")
            if os.path.getsize(csv) > 0:
                con.execute(f"COPY {table} FROM '{csv}' (FORMAT csv, HEADER false)")
    con.execute("UPDATE participants SET presence_action_id = NULL WHERE presence_action_id = ''")
    answer = "|".join(str(v) for v in con.execute(sql).fetchone())
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        con.execute(sql).fetchall()
        timings.append(time.perf_counter() - started)
    return timings, answer


def main() -> None:
    path = sys.argv[1]
    year = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    sql = cohort(year)
    shell, shell_answer = sqlite_shell(path, sql, runs)
    duck, duck_answer = duckdb_over_csv(path, sql, runs)
    assert shell_answer == duck_answer, f"the engines disagree: {shell_answer} against {duck_answer}"
    print(f"cohort, everything x {year}: {shell_answer} (started|individually|engaged|took a step|paid work)")
    a = summary("sqlite3 shell", shell)
    b = summary("DuckDB (in memory, over CSV exports)", duck)
    print(f"ratio sqlite3 / DuckDB: {a / b:.2f}")
    counted, counted_answer = sqlite_shell(path, kept_counts(year), runs)
    assert counted_answer == shell_answer, f"the kept counts disagree: {counted_answer} against {shell_answer}"
    d = summary("sqlite3 shell, from the kept counts", counted)
    print(f"ratio kept counts in sqlite3 / DuckDB: {d / b:.3f}")
    if len(sys.argv) > 4:
        pg, pg_answer = psql(sys.argv[4], sql, runs)
        assert pg_answer == shell_answer, f"PostgreSQL disagrees (another seed?): {pg_answer}"
        c = summary("psql", pg)
        print(f"ratio psql / DuckDB: {c / b:.2f}")
        pg_counted, pg_counted_answer = psql(sys.argv[4], kept_counts(year), runs)
        assert pg_counted_answer == shell_answer, f"PostgreSQL's kept counts disagree: {pg_counted_answer}"
        e = summary("psql, from the kept counts", pg_counted)
        print(f"ratio kept counts in psql / DuckDB: {e / b:.3f}")


if __name__ == "__main__":
    main()
