/**
 * Validates OCSF Detection Findings with Prowler's py-ocsf-models (pydantic) in .moto-venv.
 * Stricter than the models alone: values are validated in strict mode (no "5" for 5), and every
 * key must be one the models know. The few OCSF attributes the models lack (`actor`, and an
 * evidence's `actor` and `src_endpoint`) are checked here against the OCSF dictionary's
 * attribute names, with the actor's user through the models' User.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PY_OCSF_MODELS_VERSION = '0.10.0';
const PYTHON = join(process.cwd(), '.moto-venv', 'bin', 'python');

const SCRIPT = `
import ipaddress, json, sys, typing
try:
    import pydantic
    from importlib.metadata import version
    from py_ocsf_models.events.findings.detection_finding import DetectionFinding
    from py_ocsf_models.objects.user import User
except ImportError as error:
    print(json.dumps({"missing": str(error)}))
    sys.exit(0)

ACTOR = {"user", "session", "invoked_by", "app_name", "app_uid", "authorizations", "idp", "process"}
SESSION = {"uid": str, "uid_alt": str, "issuer": str, "credential_uid": str, "is_mfa": bool,
           "created_time": int, "expiration_time": int, "is_remote": bool, "is_vpn": bool,
           "terminal": str, "count": int}
ENDPOINT = {"ip": str, "svc_name": str, "hostname": str, "name": str, "port": int, "uid": str, "domain": str}
BY_HAND = {"actor", "evidences[].actor", "evidences[].src_endpoint"}

def models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]

def unknown_keys(model, data, path, problems):
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        where = f"{path}.{key}" if path else key
        generic = where.replace("[0]", "[]")
        if generic in BY_HAND:
            continue
        field = model.model_fields.get(key)
        if field is None:
            problems.append(f"{where}: not an attribute of {model.__name__}")
            continue
        for sub in models_in(field.annotation)[:1]:
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                unknown_keys(sub, item, f"{where}[{i}]" if isinstance(value, list) else where, problems)

def check_fields(obj, allowed, where, problems):
    if not isinstance(obj, dict):
        problems.append(f"{where}: not an object")
        return
    for key, value in obj.items():
        if key not in allowed:
            problems.append(f"{where}.{key}: not an attribute")
        elif isinstance(allowed, dict) and not isinstance(value, allowed[key]):
            problems.append(f"{where}.{key}: expected {allowed[key].__name__}")

def check_actor(actor, where, problems):
    check_fields(actor, ACTOR, where, problems)
    if not isinstance(actor, dict):
        return
    if "user" in actor:
        try:
            User.model_validate_json(json.dumps(actor["user"]), strict=True)
        except pydantic.ValidationError as error:
            problems.append(f"{where}.user: {error}")
        unknown_keys(User, actor["user"], f"{where}.user", problems)
    if "session" in actor:
        check_fields(actor["session"], SESSION, f"{where}.session", problems)
    for key in ("invoked_by", "app_name"):
        if key in actor and not isinstance(actor[key], str):
            problems.append(f"{where}.{key}: expected str")

def validate(line):
    problems = []
    data = json.loads(line)
    try:
        DetectionFinding.model_validate_json(line, strict=True)
    except pydantic.ValidationError as error:
        problems.append(str(error))
    unknown_keys(DetectionFinding, data, "", problems)
    if "actor" in data:
        check_actor(data["actor"], "actor", problems)
    for i, ev in enumerate(data.get("evidences") or []):
        if "actor" in ev:
            check_actor(ev["actor"], f"evidences[{i}].actor", problems)
        if "src_endpoint" in ev:
            check_fields(ev["src_endpoint"], ENDPOINT, f"evidences[{i}].src_endpoint", problems)
            ip = ev["src_endpoint"].get("ip")
            if ip is not None:
                try:
                    ipaddress.ip_address(ip)
                except ValueError:
                    problems.append(f"evidences[{i}].src_endpoint.ip: {ip!r} is not an IP address")
    if data.get("class_uid") != 2004 or data.get("category_uid") != 2:
        problems.append("class_uid must be 2004 and category_uid 2")
    if data.get("type_uid") != data.get("class_uid", 0) * 100 + data.get("activity_id", -1):
        problems.append("type_uid must be class_uid * 100 + activity_id")
    if not isinstance(data.get("time"), int) or data["time"] < 10**12:
        problems.append("time must be milliseconds since the epoch")
    return problems

out = {"version": version("py-ocsf-models"), "results": []}
for line in sys.stdin:
    if line.strip():
        out["results"].append(validate(line))
print(json.dumps(out))
`;

export interface OcsfValidation {
  version: string;
  /** One list of problems per finding, in input order (empty: valid). */
  results: string[][];
}

/** Validates each finding; throws when py-ocsf-models cannot be run (never a silent skip). */
export function validateOcsf(findings: readonly unknown[]): OcsfValidation {
  const hint = `install it: .moto-venv/bin/pip install py-ocsf-models==${PY_OCSF_MODELS_VERSION}`;
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing (the jest global setup creates it); ${hint}`);
  const r = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: findings.map((f) => JSON.stringify(f)).join('\n'),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the OCSF validator failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as OcsfValidation & { missing?: string };
  if (out.missing) throw new Error(`py-ocsf-models is not installed in .moto-venv (${out.missing}); ${hint}`);
  return out;
}
