/**
 * A small CloudFormation intrinsic resolver: turns a synthesized template's values into the concrete
 * strings AWS would see once the stack is deployed to one account and region. Physical ids are made
 * up but shaped as AWS shapes them (an SNS topic's Ref is its ARN, a queue's is its URL, a KMS key's
 * is its key id...). Anything it does not know fails loudly: a test must never judge a policy it
 * half understood.
 */
import type { CfnResource, CfnTemplate, Placement } from './deployments.js';

const NO_VALUE = Symbol('AWS::NoValue');

export class UnresolvableError extends Error {
  override name = 'UnresolvableError';
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The explicit physical name a resource was given, if any, else a made-up one. */
const NAME_PROPERTIES = [
  'RoleName',
  'TopicName',
  'TableName',
  'QueueName',
  'FunctionName',
  'Name',
  'BucketName',
  'AlarmName',
];

export class TemplateResolver {
  readonly partition: string;

  constructor(
    readonly template: CfnTemplate,
    readonly placement: Placement,
    readonly stackName = 'LayerWatch',
  ) {
    this.partition = partitionOf(placement.region);
  }

  private resource(logicalId: string): CfnResource {
    const r = this.template.Resources?.[logicalId];
    if (!r) throw new UnresolvableError(`no resource ${logicalId} in the template`);
    return r;
  }

  private arnOf(service: string, resource: string, region = this.placement.region): string {
    return `arn:${this.partition}:${service}:${region}:${this.placement.account}:${resource}`;
  }

  /** The explicit physical name a resource was given (resolved), if any, else one made up as CloudFormation would. */
  physicalName(logicalId: string, resource: CfnResource): string {
    for (const key of NAME_PROPERTIES) {
      const v = resource.Properties?.[key];
      if (v !== undefined) return this.text(v);
    }
    // CloudFormation prefixes the names it generates with the stack name.
    return `${this.stackName}-${logicalId}-Phys1D`;
  }

  /** What `Ref` returns for a resource of the template. */
  ref(logicalId: string): string {
    const r = this.resource(logicalId);
    const name = this.physicalName(logicalId, r);
    switch (r.Type) {
      case 'AWS::SNS::Topic':
        return this.arnOf('sns', name);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.placement.region}.amazonaws.com/${this.placement.account}/${name}`;
      case 'AWS::KMS::Key':
        return `${logicalId.toLowerCase().slice(0, 8)}-0000-4000-8000-000000000000`;
      default:
        return name;
    }
  }

  /** What `Fn::GetAtt` returns. */
  getAtt(logicalId: string, attribute: string): string {
    const r = this.resource(logicalId);
    const name = this.physicalName(logicalId, r);
    if (attribute === 'Arn') {
      const arn = this.arnFor(r.Type, logicalId, name);
      if (arn) return arn;
    }
    if (r.Type === 'AWS::SQS::Queue' && attribute === 'QueueName') return name;
    if (r.Type === 'AWS::SNS::Topic' && attribute === 'TopicName') return name;
    if (r.Type === 'AWS::SNS::Topic' && attribute === 'TopicArn') return this.ref(logicalId);
    if (r.Type === 'AWS::KMS::Key' && attribute === 'KeyId') return this.ref(logicalId);
    if (r.Type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return this.ref(logicalId);
    // A Security Hub custom action's ARN ends with the id the template gives it.
    if (r.Type === 'AWS::SecurityHub::ActionTarget' && attribute === 'ActionTargetArn')
      return this.arnOf('securityhub', `action/custom/${this.text(r.Properties?.Id)}`);
    throw new UnresolvableError(`Fn::GetAtt ${logicalId}.${attribute} (${r.Type}) is not modelled`);
  }

  private arnFor(type: string, logicalId: string, name: string): string | undefined {
    const p = this.partition;
    switch (type) {
      case 'AWS::SNS::Topic':
        return this.ref(logicalId);
      case 'AWS::SQS::Queue':
        return this.arnOf('sqs', name);
      case 'AWS::KMS::Key':
        return this.arnOf('kms', `key/${this.ref(logicalId)}`);
      case 'AWS::IAM::Role':
        return `arn:${p}:iam::${this.placement.account}:role/${name}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${p}:iam::${this.placement.account}:policy/${name}`;
      case 'AWS::Lambda::Function':
        return this.arnOf('lambda', `function:${name}`);
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return this.arnOf('dynamodb', `table/${name}`);
      case 'AWS::Events::Rule':
        return this.arnOf('events', `rule/${name}`);
      case 'AWS::Events::EventBus':
        return this.arnOf('events', `event-bus/${name}`);
      case 'AWS::Logs::LogGroup':
        return this.arnOf('logs', `log-group:${name}:*`);
      case 'AWS::CloudWatch::Alarm':
        return this.arnOf('cloudwatch', `alarm:${name}`);
      case 'AWS::S3::Bucket':
        return `arn:${p}:s3:::${name.toLowerCase()}`;
      case 'AWS::CloudTrail::Trail':
        return this.arnOf('cloudtrail', `trail/${name}`);
      default:
        return undefined;
    }
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::Region':
        return this.placement.region;
      case 'AWS::AccountId':
        return this.placement.account;
      case 'AWS::URLSuffix':
        return this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return this.arnOf('cloudformation', `stack/${this.stackName}/00000000-0000-4000-8000-000000000000`);
      default:
        return undefined;
    }
  }

  /** Resolves every intrinsic in `value`; `AWS::NoValue` drops the property or element. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** Resolves to a string, or fails naming what it got. */
  text(value: unknown): string {
    const r = this.resolve(value);
    if (typeof r !== 'string') throw new UnresolvableError(`expected a string, got ${JSON.stringify(r)}`);
    return r;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref': {
        const name = String(arg);
        if (name === 'AWS::NoValue') return NO_VALUE;
        const p = this.pseudo(name);
        if (p !== undefined) return p;
        if (this.template.Parameters?.[name]) {
          throw new UnresolvableError(`Ref to parameter ${name}: parameters are not modelled`);
        }
        return this.ref(name);
      }
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), this.text(attr));
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        const list = this.resolve(parts);
        if (!Array.isArray(list)) throw new UnresolvableError('Fn::Join of a non-list');
        return list.map((p) => this.text(p)).join(sep);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list);
        const i = Number(this.resolve(index));
        if (!Array.isArray(items) || !(i in items)) throw new UnresolvableError('Fn::Select out of range');
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return this.text(source).split(sep);
      }
      case 'Fn::If': {
        const [condition, yes, no] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(condition) ? yes : no);
      }
      default:
        throw new UnresolvableError(`${fn} is not modelled`);
    }
  }

  private sub(arg: unknown): string {
    const [source, vars] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg), {} as Record<string, unknown>];
    return source.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return this.text(vars[name]);
      const p = this.pseudo(name);
      if (p !== undefined) return p;
      const [id, attr] = name.split('.');
      return attr ? this.getAtt(String(id), attr) : this.ref(String(id));
    });
  }

  /** Evaluates a named condition of the template at this placement. */
  condition(name: string): boolean {
    const c = this.template.Conditions?.[name];
    if (c === undefined) throw new UnresolvableError(`no condition ${name}`);
    return this.truth(c);
  }

  private truth(expr: unknown): boolean {
    const [entry] = Object.entries(expr as Record<string, unknown>);
    if (!entry) throw new UnresolvableError('empty condition');
    const [fn, arg] = entry;
    const args = arg as unknown[];
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(this.resolve(args[0])) === JSON.stringify(this.resolve(args[1]));
      case 'Fn::Not':
        return !this.truth(args[0]);
      case 'Fn::And':
        return args.every((a) => this.truth(a));
      case 'Fn::Or':
        return args.some((a) => this.truth(a));
      case 'Condition':
        return this.condition(String(arg));
      default:
        throw new UnresolvableError(`condition function ${fn} is not modelled`);
    }
  }

  /** Whether a resource is created at this placement (its `Condition`, if any, holds). */
  exists(logicalId: string): boolean {
    const c = this.resource(logicalId).Condition;
    return c === undefined || this.condition(c);
  }
}

/** Resources of a type, as [logicalId, resource] pairs. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points to, if the value is one. */
export function referencedId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const att = v['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}
