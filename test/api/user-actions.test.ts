import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { GENERATE } from '../helpers/documents.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function imagine(as: string, prompt = 'a quiet forest'): Promise<{ id: string; media: { id: string; expiresAt: string } }> {
  return (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'sketch' } }, { as })).data.generate;
}

describe('what a user can do with their generations', () => {
  test('rate a generation up, then change it to down', async () => {
    const generation = await imagine('7001');
    const rate = (rating: string) =>
      app.gql(`mutation($id: ID!, $r: Rating!) { rateGeneration(id: $id, rating: $r) { ... on Generation { id rating } } }`, { id: generation.id, r: rating }, { as: '7001' });
    expect((await rate('UP')).data.rateGeneration.rating).toBe('UP');
    expect((await rate('DOWN')).data.rateGeneration.rating).toBe('DOWN');
    const [row] = await app.orm.em.fork().getConnection().execute('select rating from generations where id = ?', [generation.id]);
    expect(Number(row.rating)).toBe(-1);
  });

  test('keep media exempts it from the retention window, and unkeep restores it', async () => {
    const generation = await imagine('7002');
    expect(generation.media.expiresAt).not.toBeNull();
    const keep = (keepIt: boolean) =>
      app.gql(`mutation($id: ID!, $k: Boolean) { keepMedia(generationId: $id, keep: $k) { __typename ... on Media { keep expiresAt } } }`, { id: generation.id, k: keepIt }, { as: '7002' });
    expect((await keep(true)).data.keepMedia).toEqual({ __typename: 'Media', keep: true, expiresAt: null });
    const restored = (await keep(false)).data.keepMedia;
    expect(restored.keep).toBe(false);
    expect(new Date(restored.expiresAt).getTime()).toBe(new Date(generation.media.expiresAt).getTime());
    const audit = await app.orm.em.fork().getConnection().execute('select actor, action, target from audit_log where target = ? order by id', [generation.media.id]);
    expect(audit).toEqual([
      { actor: app.services.pseudonymize('7002'), action: 'media.kept', target: generation.media.id },
      { actor: app.services.pseudonymize('7002'), action: 'media.unkept', target: generation.media.id },
    ]);
  });

  test('feedback is stored redacted and acknowledged', async () => {
    const generation = await imagine('7003');
    const { data } = await app.gql(
      `mutation($t: String!, $g: ID) { submitFeedback(text: $t, generationId: $g) { __typename ... on Feedback { id text } ... on Error { message } } }`,
      { t: 'Love it! Call me at +1 (555) 123-4567 or @artfan_99', g: generation.id },
      { as: '7003' },
    );
    expect(data.submitFeedback.__typename).toBe('Feedback');
    expect(data.submitFeedback.text).not.toContain('555');
    expect(data.submitFeedback.text).not.toContain('artfan_99');
    const rows = await app.orm.em.fork().getConnection().execute('select text_redacted from feedback');
    expect(JSON.stringify(rows)).not.toContain('123-4567');
  });

  test('empty feedback is an InvalidInput error and stores nothing', async () => {
    const before = await app.orm.em.fork().getConnection().execute('select count(*) as n from feedback');
    const { data } = await app.gql(`mutation { submitFeedback(text: "  ") { __typename ... on InvalidInput { field message } } }`, {}, { as: '7003' });
    expect(data.submitFeedback).toMatchObject({ __typename: 'InvalidInput', field: 'text' });
    const after = await app.orm.em.fork().getConnection().execute('select count(*) as n from feedback');
    expect(Number(after[0].n)).toBe(Number(before[0].n));
  });

  test('preferences: locale and default style, with typed errors for bad values', async () => {
    const set = (input: Record<string, string>) =>
      app.gql(`mutation($i: PreferencesInput!) { setPreferences(input: $i) { __typename ... on Viewer { locale defaultStyle } ... on InvalidInput { field } } }`, { i: input }, { as: '7004' });
    expect((await set({ locale: 'fa', defaultStyle: 'anime' })).data.setPreferences).toEqual({ __typename: 'Viewer', locale: 'fa', defaultStyle: 'anime' });
    expect((await set({ locale: 'klingon' })).data.setPreferences).toEqual({ __typename: 'InvalidInput', field: 'locale' });
    expect((await set({ defaultStyle: 'nope' })).data.setPreferences).toEqual({ __typename: 'InvalidInput', field: 'defaultStyle' });
    const { data } = await app.gql(`{ viewer { locale defaultStyle } }`, {}, { as: '7004' });
    expect(data.viewer).toEqual({ locale: 'fa', defaultStyle: 'anime' });
  });

  test('myGenerations pages through every generation exactly once, newest first', async () => {
    const as = '7005';
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1) ids.push((await imagine(as, `prompt number ${index}`)).id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result: any = await app.gql(
        `query($after: String) { myGenerations(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        { as },
      );
      const connection = result.data.myGenerations;
      seen.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
  });
});
