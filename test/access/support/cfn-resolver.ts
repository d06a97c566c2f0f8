/**
 * Resolves the CloudFormation intrinsics of a synthesized template to the fixed strings a deploy into
 * the test account would produce, so that an IAM simulator can compare ARNs. Physical names follow
 * CloudFormation's rules where a name property is set (RoleName, BucketName, ...) and are derived
 * from the logical id otherwise (a bucket: the lowercased logical id; a key: key/<LogicalId>).
 *
 * Anything it does not know (an intrinsic, a resource type, an attribute) is an error, never a guess:
 * a policy that silently kept a `{ Ref }` would match nothing and turn an allow into a false deny.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export interface ResolverEnv {
  readonly account: string;
  readonly region: string;
  /** Value of `AWS::StackName`. @default 'Stack' */
  readonly stackName?: string;
}

type Props = Record<string, unknown>;

interface Naming {
  /** What `Ref` returns. */
  readonly ref: (logicalId: string, props: Props, resolver: CfnResolver) => string;
  /** What `Fn::GetAtt` returns, by attribute; `name` is the resource's `Ref`. */
  readonly attributes: Record<string, (name: string, env: Required<ResolverEnv>, props: Props) => string>;
}

const named = (property: string) => (logicalId: string, props: Props, resolver: CfnResolver) =>
  props[property] === undefined ? logicalId : resolver.resolveString(props[property]);

const NAMING: Record<string, Naming> = {
  'AWS::IAM::Role': {
    ref: named('RoleName'),
    attributes: {
      Arn: (name, env, props) => `arn:aws:iam::${env.account}:role${(props.Path as string | undefined) ?? '/'}${name}`,
      RoleId: (name) => `AROA${name.toUpperCase()}`,
    },
  },
  'AWS::S3::Bucket': {
    // Lowercase: S3 names allow no capitals, and a bucket without BucketName gets a generated one.
    ref: (logicalId, props, resolver) =>
      props.BucketName === undefined ? logicalId.toLowerCase() : resolver.resolveString(props.BucketName),
    attributes: {
      Arn: (name) => `arn:aws:s3:::${name}`,
      DomainName: (name) => `${name}.s3.amazonaws.com`,
      RegionalDomainName: (name, env) => `${name}.s3.${env.region}.amazonaws.com`,
    },
  },
  'AWS::KMS::Key': {
    ref: (logicalId) => logicalId,
    attributes: {
      Arn: (keyId, env) => `arn:aws:kms:${env.region}:${env.account}:key/${keyId}`,
      KeyId: (keyId) => keyId,
    },
  },
  'AWS::KMS::Alias': { ref: named('AliasName'), attributes: {} },
  'AWS::Kinesis::Stream': {
    ref: named('Name'),
    attributes: { Arn: (name, env) => `arn:aws:kinesis:${env.region}:${env.account}:stream/${name}` },
  },
  'AWS::Logs::LogGroup': {
    ref: named('LogGroupName'),
    // The GetAtt Arn of a log group ends in ":*"; the `aws:logs:arn` encryption context does not.
    attributes: { Arn: (name, env) => `arn:aws:logs:${env.region}:${env.account}:log-group:${name}:*` },
  },
  // A mapping's Ref is its UUID, which Lambda generates: a fixed stand-in, unique per mapping.
  'AWS::Lambda::EventSourceMapping': { ref: (logicalId) => `esm-${logicalId.toLowerCase()}`, attributes: {} },
  'AWS::Lambda::Function': {
    ref: named('FunctionName'),
    attributes: { Arn: (name, env) => `arn:aws:lambda:${env.region}:${env.account}:function:${name}` },
  },
  'AWS::CloudTrail::Trail': {
    ref: named('TrailName'),
    attributes: { Arn: (name, env) => `arn:aws:cloudtrail:${env.region}:${env.account}:trail/${name}` },
  },
  'AWS::SNS::Topic': {
    ref: (logicalId, props, resolver) => {
      const name = props.TopicName === undefined ? logicalId : resolver.resolveString(props.TopicName);
      return `arn:aws:sns:${resolver.env.region}:${resolver.env.account}:${name}`;
    },
    attributes: { TopicArn: (arn) => arn, TopicName: (arn) => arn.split(':').pop() as string },
  },
  'AWS::Athena::WorkGroup': { ref: named('Name'), attributes: {} },
  'AWS::StepFunctions::StateMachine': {
    // A state machine's Ref is its ARN.
    ref: (logicalId, props, resolver) => {
      const name = props.StateMachineName === undefined ? logicalId : resolver.resolveString(props.StateMachineName);
      return `arn:aws:states:${resolver.env.region}:${resolver.env.account}:stateMachine:${name}`;
    },
    attributes: { Arn: (arn) => arn, Name: (arn) => arn.split(':').pop() as string },
  },
};

const PSEUDO_PARAMETERS = (env: Required<ResolverEnv>): Record<string, string> => ({
  'AWS::AccountId': env.account,
  'AWS::Region': env.region,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': env.stackName,
});

export class CfnResolver {
  public readonly env: Required<ResolverEnv>;
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly template: CfnTemplate,
    env: ResolverEnv,
  ) {
    this.env = { stackName: 'Stack', ...env };
  }

  /** Deeply resolves every intrinsic in `value`; plain strings (even with `${...}` in them) stay as they are. */
  public resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  /** Resolves `value` and insists on a string. */
  public resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') {
      throw new Error(`expected a string, got ${JSON.stringify(resolved)} from ${JSON.stringify(value)}`);
    }
    return resolved;
  }

  /** What `{ Ref: logicalId }` resolves to. */
  public ref(logicalId: string): string {
    const pseudo = PSEUDO_PARAMETERS(this.env)[logicalId];
    if (pseudo !== undefined) return pseudo;
    if (logicalId.startsWith('AWS::')) throw new Error(`unsupported pseudo parameter ${logicalId}`);
    const { resource, naming } = this.lookup(logicalId);
    if (this.inProgress.has(logicalId)) throw new Error(`circular name reference through ${logicalId}`);
    this.inProgress.add(logicalId);
    try {
      return naming.ref(logicalId, resource.Properties ?? {}, this);
    } finally {
      this.inProgress.delete(logicalId);
    }
  }

  /** What `{ 'Fn::GetAtt': [logicalId, attribute] }` resolves to. */
  public getAtt(logicalId: string, attribute: string): string {
    const { resource, naming } = this.lookup(logicalId);
    const attributeOf = naming.attributes[attribute];
    if (attributeOf === undefined) {
      throw new Error(`no fixed value for ${resource.Type}.${attribute} (${logicalId}); add it to the resolver`);
    }
    return attributeOf(this.ref(logicalId), this.env, resource.Properties ?? {});
  }

  private lookup(logicalId: string): { resource: CfnResource; naming: Naming } {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) throw new Error(`no resource ${logicalId} in the template`);
    const naming = NAMING[resource.Type];
    if (naming === undefined)
      throw new Error(`no fixed name for ${resource.Type} (${logicalId}); add it to the resolver`);
    return { resource, naming };
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(this.literal(argument, 'Ref'));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] =
          typeof argument === 'string' ? splitOnce(argument, '.') : (this.resolve(argument) as [string, string]);
        return this.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown];
        const resolvedParts = this.resolve(parts);
        if (!Array.isArray(resolvedParts)) throw new Error(`Fn::Join over a non-list: ${JSON.stringify(parts)}`);
        return resolvedParts.map((part) => this.resolveString(part)).join(separator);
      }
      case 'Fn::Sub':
        return typeof argument === 'string'
          ? this.substitute(argument, {})
          : this.substitute(...(argument as [string, Record<string, unknown>]));
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        const items = this.resolve(list);
        const position = Number(this.resolve(index));
        if (!Array.isArray(items) || !(position in items))
          throw new Error(`bad Fn::Select ${JSON.stringify(argument)}`);
        return items[position];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return this.resolveString(source).split(separator);
      }
      default:
        throw new Error(`unsupported intrinsic ${name}: ${JSON.stringify(argument)}`);
    }
  }

  private substitute(text: string, variables: Record<string, unknown>): string {
    return text.replace(/\$\{([^}]+)\}/g, (_, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return this.resolveString(variables[expression]);
      if (expression.includes('.') && !expression.startsWith('AWS::')) {
        const [logicalId, attribute] = splitOnce(expression, '.');
        return this.getAtt(logicalId, attribute);
      }
      return this.ref(expression);
    });
  }

  private literal(value: unknown, what: string): string {
    if (typeof value !== 'string') throw new Error(`${what} needs a literal string, got ${JSON.stringify(value)}`);
    return value;
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  if (at < 0) throw new Error(`expected '${separator}' in ${text}`);
  return [text.slice(0, at), text.slice(at + 1)];
}
