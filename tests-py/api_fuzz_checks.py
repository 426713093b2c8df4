"""A check for scripts/api-fuzz: a request the OpenAPI document calls valid may be refused with
422 only for what the stored data decides (an id naming no record you may see, a date in the
future, a series that does not fit the programme, ...). A 422 whose field errors say something the
document could have said (a required field, a choice, a date's or an id's form, a range, a
length, control characters) means the document is incomplete: that fails the run."""

import json

import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoverageScenario

# Codes of field errors that a JSON schema expresses.
SCHEMA_CODES = {
    "required",
    "invalid-choice",
    "invalid-date",
    "invalid-id",
    "invalid-time",
    "invalid-number",
    "invalid-email",
    "out-of-range",
    "too-long",
    "password-too-short",
    "control-characters",
}


# Fields required only in some cases, which the document says in their descriptions: a region for
# care partners (not for the provider or national bodies), organisations for coaches and care-team
# members and regions for coordinators, a password when an account is created (not when it is
# changed), the situation at a check-in where contact was made, the partner of a consent to share
# with a care team, the value of a dashboard figure.
CONDITIONAL = {
    ("region_id", "required"),
    ("organisations", "required"),
    ("regions", "required"),
    ("password", "required"),
    ("situation", "required"),
    # A consent to share with a care team names the partner whose team it is.
    ("organisation_id", "required"),
    ("consent.organisation_id", "required"),
    # The dashboard's list behind a figure: `value` names the barrier, exit situation or band of
    # sickness of the figures that have one.
    ("value", "invalid-choice"),
    ("value", "required"),
    # The monitoring's list behind an ICF figure names the rater's series (`rater`, for `icf` only).
    ("rater", "required"),
    # A new action-plan step goes under a goal of the plan or under a new goal, then titled.
    ("goal_title", "required"),
    # A portal invitation by e-mail names the address (a printed code does not).
    ("email", "required"),
    # Opening a portal account takes the printed code or the e-mailed link's secret, one of the two.
    ("code", "required"),
}


@schemathesis.check
def refused_only_for_what_the_data_decides(ctx, response, case):
    if response.status_code != 422 or case.meta is None:
        return None
    if case.meta.generation.mode != GenerationMode.POSITIVE:
        return None
    try:
        problem = json.loads(response.content)
    except ValueError:
        return None
    said = sorted(
        {
            (e.get("field"), e.get("code"))
            for e in problem.get("errors", [])
            if e.get("code") in SCHEMA_CODES and (e.get("field"), e.get("code")) not in CONDITIONAL
        }
    )
    if said:
        raise AssertionError(f"a valid request was refused for what the document could say: {said}")
    return None


def _follow(raw, node):
    """`node` with its `$ref`s (to the document's components) followed."""
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/components/schemas/"):
        node = raw.get("components", {}).get("schemas", {}).get(node["$ref"].rsplit("/", 1)[1], {})
    return node


def _required_at(case, pointer):
    """The `required` list the coverage case negated: `pointer` leads to it from the body schema
    (following `$ref`s on the way); `None` when it cannot be followed."""
    raw = case.operation.schema.raw_schema
    operation = raw.get("paths", {}).get(case.operation.path, {}).get(case.method.lower(), {})
    node = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    for part in [p for p in (pointer or "").split("/") if p]:
        node = _follow(raw, node)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, list) else None


@schemathesis.hook
def filter_case(ctx, case):
    """Drops a coverage case that 'misses a required property' the body does not require.

    schemathesis 4.32's coverage phase sometimes builds its object template with every property
    made required (to fill the template) and then yields that template's properties as 'missing
    required' negatives: a body without an optional field (UserBody's `organisations`) is valid, so
    accepting it is right, not a failure. Only cases naming a property outside the `required` list
    they point at are dropped; every other negative case still runs."""
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.NEGATIVE:
        return True
    data = meta.phase.data
    if getattr(data, "scenario", None) != CoverageScenario.OBJECT_MISSING_REQUIRED_PROPERTY:
        return True
    if getattr(data, "parameter_location", None) not in (ParameterLocation.BODY, None):
        return True
    # The case names the media type as its parameter; the property is in the description.
    prefix = "Missing required property: "
    required = _required_at(case, getattr(data, "location", None))
    if required is None or not data.description.startswith(prefix):
        return True
    return data.description[len(prefix) :] in required
