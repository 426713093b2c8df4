"""A check for scripts/api-fuzz: a request the OpenAPI document calls valid may be refused with
422 only for what the stored data decides (an id naming no record you may see, a date in the
future, a series that does not fit the programme, ...). A 422 whose field errors say something the
document could have said (a required field, a choice, a date's or an id's form, a range, a
length, control characters) means the document is incomplete: that fails the run."""

import json

import schemathesis
from schemathesis import GenerationMode

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
