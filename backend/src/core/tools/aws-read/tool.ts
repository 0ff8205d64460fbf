/**
 * `aws_read`: one tool for the read operations a cloud engineer looks at first, across services.
 * Anything not on the allowlist is refused; list operations are paginated up to a cap and the
 * result says what was left out.
 */
import * as z from 'zod';
import { iamActionsFor } from '../iam-actions';
import { explainDisabled } from '../service-disabled';
import { awsClientConfig, AwsRegion, defineTool, ToolError } from '../types';
import { SERVICE_NAMES, SERVICES, type ServiceEntry, type ServiceName } from './allowlist';
import { hasNextPage, shapeOutput } from './shape';

const DEFAULT_PAGES = 3;
const MAX_PAGES = 10;

const Input = z.object({
  service: z.enum(SERVICE_NAMES as [ServiceName, ...ServiceName[]]).describe('the AWS service'),
  operation: z.string().min(3).max(60).describe('the API operation, e.g. DescribeInstances'),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('the operation input, as in the AWS API reference'),
  region: AwsRegion.optional(),
  maxPages: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGES)
    .optional()
    .describe(`pages to fetch for list operations (default ${DEFAULT_PAGES})`),
});

export const awsRead = defineTool({
  name: 'aws_read',
  description:
    'Calls one read-only AWS API operation and returns its result. Allowed operations by service: ' +
    Object.entries(SERVICES)
      .map(([name, entry]) => `${name}: ${entry.operations.join(', ')}`)
      .join('; ') +
    '. Use filters in params to keep results small. Results of list operations are paginated up to maxPages.',
  inputSchema: Input,
  readOnly: true,
  // Every allowlisted operation, so the role and the allowlist cannot drift.
  iam: {
    actions: [
      ...new Set(
        Object.entries(SERVICES).flatMap(([service, entry]) =>
          entry.operations.flatMap((operation) => iamActionsFor(service, operation)),
        ),
      ),
    ],
  },
  async run(input, context) {
    const entry: ServiceEntry = SERVICES[input.service];
    const operation = input.operation.charAt(0).toUpperCase() + input.operation.slice(1);
    if (!entry.operations.includes(operation)) {
      throw new ToolError(
        `${input.service}:${operation} is not an allowed read operation. Allowed for ${input.service}: ${entry.operations.join(', ')}.`,
      );
    }
    const params = input.params ?? {};
    // Member names are PascalCase, or camelCase in most JSON services: never paths or operators.
    const member = entry.camelCase ? /^[a-z][A-Za-z0-9]*$/ : /^[A-Z][A-Za-z0-9]*$/;
    const badKey = Object.keys(params).find((k) => !member.test(k));
    if (badKey)
      throw new ToolError(
        `params key "${badKey}" is not an input member of ${operation}: members are ${entry.camelCase ? 'camelCase' : 'PascalCase'}`,
      );

    const sdk = await entry.load();
    const Command = sdk[`${operation}Command`];
    if (typeof Command !== 'function') throw new ToolError(`${input.service} has no operation ${operation}`);
    const region = entry.globalRegion ?? input.region ?? context.region;
    const client = new sdk[entry.client]({ ...awsClientConfig(context, region), ...entry.clientOptions });
    try {
      const paginate = sdk[`paginate${operation}`];
      if (typeof paginate !== 'function') {
        const output = await client.send(new Command(params), { abortSignal: context.signal });
        return shapeOutput({ service: input.service, operation, region, pages: [output], more: false });
      }
      const maxPages = input.maxPages ?? DEFAULT_PAGES;
      const pages: unknown[] = [];
      let more = false;
      for await (const page of paginate({ client }, params)) {
        pages.push(page);
        if (pages.length === maxPages) {
          // Stop before fetching a page that would be thrown away; the token says if one exists.
          more = hasNextPage(page);
          break;
        }
        if (context.signal.aborted) break;
      }
      return shapeOutput({ service: input.service, operation, region, pages, more });
    } catch (error) {
      explainDisabled(input.service, region, error);
    } finally {
      client.destroy();
    }
  },
});
