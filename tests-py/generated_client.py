"""Generates a Python client from onramp's OpenAPI document with `openapi-python-client` (a
generator that knows nothing of onramp) and drives a few calls through it against the running
server, as a newcomer would who has only the document:

    generated_client.py BASE_URL EMAIL PASSWORD ORGANISATION_ID

signs in (session cookie), makes an API token, lists the caseload with the token, registers a
participant and reads a problem document (422). Prints what it saw as JSON for the Rust test."""

import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BINARY = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "application/zip",
]


def generate(base_url: str, directory: Path) -> tuple[Path, str]:
    document = directory / "openapi.json"
    subprocess.run(
        ["curl", "-fsS", "-o", str(document), f"{base_url}/api/openapi.json"], check=True
    )
    output = directory / "onramp_client"
    bin_dir = Path(sys.executable).parent
    # Files (PDF, XLSX, CSV) are bytes to this generator: its own setting says so.
    config = directory / "config.json"
    config.write_text(json.dumps({"content_type_overrides": {media: "application/octet-stream" for media in BINARY}}))
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(output),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"},
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(1)
    # The generator's warnings name what it could not turn into code.
    return output, result.stdout + result.stderr


def operation(package: str, operation_id: str):
    """The module of an operation, wherever the generator put it (one folder per tag)."""
    root = Path(sys.modules[package].__file__).parent / "api"
    for candidate in root.glob(f"*/{operation_id}.py"):
        tag = candidate.parent.name
        return importlib.import_module(f"{package}.api.{tag}.{operation_id}")
    raise SystemExit(f"the generated client has no operation {operation_id}")


def main() -> None:
    base_url, email, password, organisation_id = sys.argv[1:5]
    seen: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        output, messages = generate(base_url, Path(tmp))
        seen["generator_warnings"] = [line for line in messages.splitlines() if "warning" in line.lower()]
        sys.path.insert(0, str(output.parent))
        package = output.name
        importlib.import_module(package)
        client_module = importlib.import_module(f"{package}.client")
        models = importlib.import_module(f"{package}.models")

        # Sign in: the session cookie stays with the client.
        client = client_module.Client(base_url=base_url)
        signed_in = operation(package, "sign_in_sessions").sync_detailed(
            client=client, body=models.SignInBody(email=email, password=password)
        )
        seen["sign_in_status"] = int(signed_in.status_code)
        seen["signed_in_as"] = signed_in.parsed.email

        created = operation(package, "create_token_me").sync_detailed(
            client=client, body=models.TokenBody(name="generated client")
        )
        seen["token_status"] = int(created.status_code)
        token = client_module.AuthenticatedClient(base_url=base_url, token=created.parsed.secret)

        caseload = operation(package, "caseload").sync_detailed(client=token)
        seen["caseload_status"] = int(caseload.status_code)
        seen["caseload_rows"] = len(caseload.parsed.rows)
        seen["caseload_names"] = [f"{r.first_name} {r.last_name}" for r in caseload.parsed.rows]

        register = operation(package, "create_participants")
        person = {
            "organisation_id": organisation_id,
            "first_name": "Generated",
            "last_name": "Client",
            "birth_date": "1984-05-06",
            "health_category": "chronic_pain",
            "situation": "inactive",
        }
        created = register.sync_detailed(client=token, body=models.IntakeBody.from_dict(person))
        seen["register_status"] = int(created.status_code)
        seen["registered_id"] = str(created.parsed.id)
        seen["registered_name"] = f"{created.parsed.first_name} {created.parsed.last_name}"

        # The document states the choices and the form of a date: the generated client refuses
        # them before sending.
        try:
            models.IntakeBody.from_dict(dict(person, health_category="nothing"))
            seen["client_refused_choice"] = False
        except ValueError:
            seen["client_refused_choice"] = True
        # What only the server can tell: the incapacity began before the person was born.
        refused = register.sync_detailed(
            client=token,
            body=models.IntakeBody.from_dict(dict(person, birth_date="2026-12-01", incapacity_since="1984-01-01")),
        )
        seen["error_status"] = int(refused.status_code)
        problem = refused.parsed
        seen["error_type"] = getattr(problem, "type_", None)
        seen["error_fields"] = [
            {"field": e.field, "code": e.code, "allowed": None if not isinstance(e.allowed, list) else e.allowed}
            for e in (problem.errors if problem is not None and isinstance(problem.errors, list) else [])
        ]
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
