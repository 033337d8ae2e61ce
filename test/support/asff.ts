/**
 * Checks an ASFF finding against Security Hub's documented rules for BatchImportFindings (moto
 * accepts anything, so the shape is proven here): required attributes and their types, lengths,
 * enumerations, timestamp format, resource count, ProductFields limits, total size under 240 KB.
 * Returns the problems found (empty: valid).
 */

const REQUIRED = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
] as const;

/** The top-level attributes of AwsSecurityFinding that layerwatch may set. */
const KNOWN = new Set<string>([
  ...REQUIRED,
  'Action',
  'CompanyName',
  'FindingProviderFields',
  'FirstObservedAt',
  'LastObservedAt',
  'ProductFields',
  'ProductName',
  'RecordState',
  'Remediation',
  'SourceUrl',
  'Region',
]);

const TYPE_NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
];
const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];
/** RFC 3339 section 5.6, no spaces, at most 9 digits of fractional seconds. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const PRODUCT_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):securityhub:[a-z0-9-]+:(\d{12}):product\/(\d{12})\/default$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const MAX_FINDING_BYTES = 240 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(problems: string[], where: string, v: unknown, max: number, required = true): v is string {
  if (v === undefined && !required) return false;
  if (typeof v !== 'string' || v.length === 0) {
    problems.push(`${where}: a non-empty string is required`);
    return false;
  }
  if (v.length > max) problems.push(`${where}: ${v.length} characters, at most ${max}`);
  return true;
}

function time(problems: string[], where: string, v: unknown, required = true): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || !TIMESTAMP.test(v) || Number.isNaN(Date.parse(v)))
    problems.push(`${where}: not an RFC 3339 timestamp: ${JSON.stringify(v)}`);
}

function url(problems: string[], where: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || !/^https?:\/\/\S+$/.test(v)) problems.push(`${where}: not a URL`);
}

function types(problems: string[], where: string, v: unknown): void {
  if (!Array.isArray(v) || v.length === 0 || v.length > 50) {
    problems.push(`${where}: 1 to 50 types are required`);
    return;
  }
  v.forEach((t, i) => {
    if (!str(problems, `${where}[${i}]`, t, 128)) return;
    const parts = t.split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.trim() === ''))
      problems.push(`${where}[${i}]: "${t}" is not namespace/category[/classifier]`);
    else if (!TYPE_NAMESPACES.includes(parts[0] as string))
      problems.push(`${where}[${i}]: unknown namespace "${parts[0]}"`);
  });
}

function severity(problems: string[], where: string, v: unknown): void {
  if (!isObj(v)) return void problems.push(`${where}: an object is required`);
  if (!LABELS.includes(v.Label as string)) problems.push(`${where}.Label: not one of ${LABELS.join(', ')}`);
  if (v.Original !== undefined) str(problems, `${where}.Original`, v.Original, 64);
}

function resources(problems: string[], v: unknown): void {
  if (!Array.isArray(v) || v.length === 0 || v.length > 32)
    return void problems.push('Resources: 1 to 32 resources are required');
  v.forEach((r, i) => {
    const at = `Resources[${i}]`;
    if (!isObj(r)) {
      problems.push(`${at}: an object is required`);
      return;
    }
    str(problems, `${at}.Type`, r.Type, 256);
    str(problems, `${at}.Id`, r.Id, 512);
    if (r.Partition !== undefined && !PARTITIONS.includes(r.Partition as string))
      problems.push(`${at}.Partition: not one of ${PARTITIONS.join(', ')}`);
    str(problems, `${at}.Region`, r.Region, 16, false);
    if (r.Details !== undefined) {
      if (!isObj(r.Details)) {
        problems.push(`${at}.Details: an object is required`);
        return;
      }
      for (const key of Object.keys(r.Details))
        if (key !== r.Type && key !== 'Other')
          problems.push(`${at}.Details.${key}: does not match Type ${r.Type}`);
    }
  });
}

function productFields(problems: string[], v: unknown): void {
  if (v === undefined) return;
  if (!isObj(v)) return void problems.push('ProductFields: an object is required');
  const entries = Object.entries(v);
  if (entries.length > 50) problems.push(`ProductFields: ${entries.length} pairs, at most 50`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length >= 128)
      problems.push(`ProductFields key "${key}": 1 to 127 characters`);
    if (key.startsWith('aws/'))
      problems.push(`ProductFields key "${key}": the aws/ prefix is Security Hub's`);
    str(problems, `ProductFields["${key}"]`, value, 2047);
  }
}

function action(problems: string[], v: unknown): void {
  if (v === undefined) return;
  if (!isObj(v) || v.ActionType !== 'AWS_API_CALL' || !isObj(v.AwsApiCallAction))
    return void problems.push('Action: ActionType AWS_API_CALL with AwsApiCallAction is expected');
  const call = v.AwsApiCallAction;
  str(problems, 'Action.AwsApiCallAction.Api', call.Api, 128);
  if (call.CallerType !== undefined && !['remoteip', 'domain'].includes(call.CallerType as string))
    problems.push('Action.AwsApiCallAction.CallerType: remoteip or domain');
  const ip = isObj(call.RemoteIpDetails) ? call.RemoteIpDetails.IpAddressV4 : undefined;
  if (ip !== undefined && (typeof ip !== 'string' || !IPV4.test(ip)))
    problems.push(`Action.AwsApiCallAction.RemoteIpDetails.IpAddressV4: not an IPv4 address: ${String(ip)}`);
  time(problems, 'Action.AwsApiCallAction.FirstSeen', call.FirstSeen, false);
  time(problems, 'Action.AwsApiCallAction.LastSeen', call.LastSeen, false);
}

/** No null and no empty string anywhere: Security Hub's strings are NonEmptyString. */
function noEmpty(problems: string[], where: string, v: unknown): void {
  if (v === null) problems.push(`${where}: null`);
  else if (v === '') problems.push(`${where}: empty string`);
  else if (Array.isArray(v)) {
    v.forEach((x, i) => {
      noEmpty(problems, `${where}[${i}]`, x);
    });
  } else if (isObj(v))
    for (const [k, x] of Object.entries(v)) noEmpty(problems, where ? `${where}.${k}` : k, x);
}

export function checkAsff(finding: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(finding)) return ['the finding must be an object'];
  const f = finding;
  for (const key of REQUIRED) if (f[key] === undefined) problems.push(`${key}: required`);
  for (const key of Object.keys(f))
    if (!KNOWN.has(key)) problems.push(`${key}: not an ASFF attribute layerwatch sets`);
  if (f.SchemaVersion !== '2018-10-08') problems.push('SchemaVersion: must be 2018-10-08');
  str(problems, 'Id', f.Id, 512);
  str(problems, 'GeneratorId', f.GeneratorId, 512);
  if (typeof f.AwsAccountId !== 'string' || !/^\d{12}$/.test(f.AwsAccountId))
    problems.push('AwsAccountId: 12 digits');
  if (str(problems, 'ProductArn', f.ProductArn, 2048)) {
    const m = PRODUCT_ARN.exec(f.ProductArn as string);
    if (!m) problems.push(`ProductArn: not a default product ARN: ${f.ProductArn}`);
    else if (m[2] !== f.AwsAccountId || m[3] !== f.AwsAccountId)
      problems.push('ProductArn: the default product must be the importing account (AwsAccountId)');
  }
  types(problems, 'Types', f.Types);
  for (const key of ['CreatedAt', 'UpdatedAt']) time(problems, key, f[key]);
  for (const key of ['FirstObservedAt', 'LastObservedAt']) time(problems, key, f[key], false);
  if (Date.parse(f.UpdatedAt as string) < Date.parse(f.CreatedAt as string))
    problems.push('UpdatedAt: earlier than CreatedAt');
  severity(problems, 'Severity', f.Severity);
  if (f.FindingProviderFields !== undefined) {
    const fpf = f.FindingProviderFields as Obj;
    if (fpf.Severity !== undefined) severity(problems, 'FindingProviderFields.Severity', fpf.Severity);
    if (fpf.Types !== undefined) types(problems, 'FindingProviderFields.Types', fpf.Types);
  }
  str(problems, 'Title', f.Title, 256);
  str(problems, 'Description', f.Description, 1024);
  str(problems, 'CompanyName', f.CompanyName, 128, false);
  str(problems, 'ProductName', f.ProductName, 128, false);
  const rec =
    isObj(f.Remediation) && isObj(f.Remediation.Recommendation) ? f.Remediation.Recommendation : null;
  if (f.Remediation !== undefined && !rec) problems.push('Remediation: Recommendation object expected');
  if (rec) {
    str(problems, 'Remediation.Recommendation.Text', rec.Text, 512, false);
    url(problems, 'Remediation.Recommendation.Url', rec.Url);
  }
  url(problems, 'SourceUrl', f.SourceUrl);
  if (f.RecordState !== undefined && !['ACTIVE', 'ARCHIVED'].includes(f.RecordState as string))
    problems.push('RecordState: ACTIVE or ARCHIVED');
  resources(problems, f.Resources);
  productFields(problems, f.ProductFields);
  action(problems, f.Action);
  noEmpty(problems, '', f);
  const bytes = Buffer.byteLength(JSON.stringify(f), 'utf8');
  if (bytes >= MAX_FINDING_BYTES) problems.push(`size: ${bytes} bytes, under ${MAX_FINDING_BYTES} required`);
  return problems;
}
