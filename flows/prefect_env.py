"""Prefect settings the project needs, applied at the edge (the CLI, tests) before prefect is imported.

Offline machines: no analytics or telemetry (each would log an error on every run, MEASURED.md).
The console shows warnings only; flow-run logs still reach the Prefect server and its UI.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "DO_NOT_TRACK": "1",  # the client's own usage data (and its first-run notice on the terminal)
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL": "WARNING",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def configure_prefect(verbose: bool = False) -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if _api_is_plain_http() and not _tls_configured() and not _settings_files_mention_tls():
        try:
            os.environ["PREFECT_API_SSL_CERT_FILE"] = str(one_certificate_bundle())
        except OSError:
            pass  # no bundle, no shortcut: Prefect builds its usual context
    if not verbose:
        # A failed task's traceback is not for the operator: the flow retries faults of ours and ends
        # with a Chinese message of what happened. Task runs still log to the server (the UI).
        os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(Path(__file__).with_name("prefect_logging.yml")))
    if verbose:
        for key in ("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL",
                    "PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL"):
            os.environ[key] = "INFO"


# Every Prefect client builds a TLS context from PREFECT_API_SSL_CERT_FILE (else certifi's bundle) when
# it is created — six per flow run, ~16 ms each to parse ~150 certificates (measured: 0.1 s of a run's
# 0.3 s of Prefect overhead) — even when the API is plain HTTP and no TLS ever happens. For such an
# API (Prefect's local mode, `township serve`) the context is built from one certificate instead.
# An https API, or TLS settings of the user's own, are left alone.


def _api_is_plain_http() -> bool:
    url = os.environ.get("PREFECT_API_URL") or profile_setting("PREFECT_API_URL")
    return url is None or url.startswith("http://")


def _tls_configured() -> bool:
    keys = ("PREFECT_API_SSL_CERT_FILE", "PREFECT_API_TLS_INSECURE_SKIP_VERIFY")
    return any(os.environ.get(k) or profile_setting(k) for k in keys)


def _settings_files_mention_tls() -> bool:
    """Prefect also reads .env, prefect.toml and pyproject.toml in the working directory: any https
    address or TLS setting there, and the shortcut is not taken (when in doubt, leave TLS alone)."""
    for name in (".env", "prefect.toml", "pyproject.toml"):
        try:
            text = (Path.cwd() / name).read_text(encoding="utf-8", errors="replace").lower()
        except OSError:
            continue
        if any(word in text for word in ("https://", "ssl_cert_file", "tls_insecure_skip_verify")):
            return True
    return False


def _prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()


def profile_setting(key: str) -> str | None:
    """A setting of the active Prefect profile (profiles.toml), which Prefect reads as well as the
    environment."""
    import tomllib  # here, not at import: the commands that never start a flow do not read profiles

    path = Path(os.environ.get("PREFECT_PROFILES_PATH", _prefect_home() / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    value = profiles.get("profiles", {}).get(active, {}).get(key)
    return None if value is None else str(value)


def one_certificate_bundle() -> Path:
    """The first certificate of certifi's bundle in a file of its own (written once, atomically)."""
    import certifi

    text = certifi.contents()
    end = "-----END CERTIFICATE-----"
    first = text[text.index("-----BEGIN CERTIFICATE-----"):text.index(end) + len(end)] + "\n"
    path = _prefect_home() / "township-plain-http-ca.pem"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_text(encoding="ascii") == first:
            return path
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(first, encoding="ascii")
    os.replace(tmp, path)
    return path
