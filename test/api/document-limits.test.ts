import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '5', GRAPHQL_MAX_TOKENS: '300' } });
});
afterAll(async () => app?.close());

async function generations(): Promise<number> {
  const rows = await app.orm.em.fork().getConnection().execute('select count(*) as n from generations');
  return Number(rows[0].n);
}

const mutation = (selection: string) => `mutation { ${selection} }`;
const generate = (alias: string) => `${alias}: generate(input: { kind: IMAGE, prompt: "a cat" }) { __typename }`;

describe('limits on the documents themselves', () => {
  test.each([
    ['too many aliases', mutation(Array.from({ length: 6 }, (_, index) => generate(`g${index}`)).join(' ')), /alias/i],
    ['too deep', `{ viewer { id } health { providers { image } } myGenerations { edges { node { media { id } } } } }`, /depth/i],
    ['too many tokens', `{ ${Array.from({ length: 200 }, () => 'styles { id }').join(' ')} }`, /token/i],
  ])('%s: rejected with a clear error, nothing written', async (_name, document, message) => {
    const before = await generations();
    const { errors, data } = await app.gql(document);
    expect(data ?? null).toBeNull();
    expect(errors?.[0]?.message).toMatch(message);
    expect(await generations()).toBe(before);
  });

  test('a document within the limits runs', async () => {
    const { errors, data } = await app.gql(mutation([generate('a'), generate('b')].join(' ')));
    expect(errors).toBeUndefined();
    expect(data.a.__typename).toBe('Generation');
  });
});

describe('unexpected errors are masked', () => {
  test('the client gets a reference, the log gets the cause', async () => {
    const em = app.orm.em.fork();
    // Break the table the resolver needs, the way a failed migration or a disk fault would.
    await em.getConnection().execute('alter table daily_usage rename to daily_usage_gone');
    try {
      const { errors } = await app.gql(`{ viewer { usageToday { requests } } }`);
      expect(errors?.[0]?.message).toBe('Unexpected error.');
      const errorId = errors?.[0]?.extensions?.['errorId'];
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(errors)).not.toMatch(/daily_usage/);
      const logged = app.logLines.find((line) => line.includes(String(errorId)));
      expect(logged).toMatch(/daily_usage/);
    } finally {
      await em.getConnection().execute('alter table daily_usage_gone rename to daily_usage');
    }
  });
});
