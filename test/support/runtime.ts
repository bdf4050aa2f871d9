import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startTestIssuer, type TestIssuer } from './tokens';

const documentClientMock = () => mockClient(DynamoDBDocumentClient);

/** What {@link runtimeUnderTest} sets up; `issuer` and `runtime` are there from `beforeAll` on. */
export interface RuntimeUnderTest {
  /** The mocked DocumentClient: GetItem answers no item (no revocation) unless a test says otherwise. */
  dynamo: ReturnType<typeof documentClientMock>;
  issuer: TestIssuer;
  runtime: typeof import('@darkroom/runtime');
}

/**
 * Registers the jest hooks of a unit test of the runtime's handler factories: a local token issuer whose
 * tokens the JWT layer accepts (JWT_ISSUER, JWKS_URI), `@darkroom/runtime` imported after it, and the
 * DynamoDB DocumentClient mocked and reset before each test.
 */
export function runtimeUnderTest(): RuntimeUnderTest {
  const setup = { dynamo: documentClientMock() } as RuntimeUnderTest;
  beforeAll(async () => {
    setup.issuer = await startTestIssuer();
    process.env.JWT_ISSUER = setup.issuer.issuer;
    process.env.JWKS_URI = setup.issuer.jwksUri;
    setup.runtime = await import('@darkroom/runtime');
  });
  afterAll(() => setup.issuer.close());
  beforeEach(() => { setup.dynamo.reset(); setup.dynamo.on(GetCommand).resolves({}); });
  return setup;
}
