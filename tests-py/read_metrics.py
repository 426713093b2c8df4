"""Reads a /metrics answer (OpenMetrics text) with the Prometheus project's own parser and prints
its samples as JSON: [{"name", "labels", "value"}], for tests/it/metrics.rs."""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        samples.append({"name": sample.name, "labels": sample.labels, "value": sample.value})
print(json.dumps(samples))
