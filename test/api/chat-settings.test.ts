import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** A group's defaults, as the bot reads and sets them: keyed by a pseudonym, partial updates, typed refusals. */

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const FIELDS = `__typename ... on ChatSettings { defaultStyle locale whoMayUse } ... on InvalidInput { field }`;
const GET = `query($c: String!) { chatSettings(telegramChatId: $c) { ${FIELDS} } }`;
const SET = `mutation($c: String!, $i: ChatSettingsInput!) { setChatSettings(telegramChatId: $c, input: $i) { ${FIELDS} } }`;
const ADMIN_OF_CHAT = '7101';

describe('chat settings', () => {
  test('a chat nobody configured has no defaults and is open to everyone', async () => {
    const { data } = await app.gql(GET, { c: '-1001234567890' }, { as: ADMIN_OF_CHAT });
    expect(data.chatSettings).toEqual({ __typename: 'ChatSettings', defaultStyle: null, locale: null, whoMayUse: 'EVERYONE' });
  });

  test('fields left out stay, null clears one; the row holds a pseudonym, not the chat id', async () => {
    const chat = '-1001000000001';
    await app.gql(SET, { c: chat, i: { defaultStyle: 'anime', locale: 'ru' } }, { as: ADMIN_OF_CHAT });
    const admins = (await app.gql(SET, { c: chat, i: { whoMayUse: 'ADMINS' } }, { as: ADMIN_OF_CHAT })).data.setChatSettings;
    expect(admins).toEqual({ __typename: 'ChatSettings', defaultStyle: 'anime', locale: 'ru', whoMayUse: 'ADMINS' });
    const cleared = (await app.gql(SET, { c: chat, i: { locale: null } }, { as: ADMIN_OF_CHAT })).data.setChatSettings;
    expect(cleared).toEqual({ __typename: 'ChatSettings', defaultStyle: 'anime', locale: null, whoMayUse: 'ADMINS' });
    expect((await app.gql(GET, { c: chat }, { as: ADMIN_OF_CHAT })).data.chatSettings).toEqual(cleared);
    const rows = await app.orm.em.fork().getConnection().execute('select * from chat_settings');
    expect(JSON.stringify(rows)).not.toContain('1001000000001');
    const [audit] = await app.orm.em.fork().getConnection().execute("select actor from audit_log where action = 'chat.settings.changed' limit 1");
    expect(audit.actor).toBe(app.services.pseudonymize(ADMIN_OF_CHAT));
  });

  test('a bad chat id, style, language or clearing who may use is refused and changes nothing', async () => {
    const chat = '-1001000000002';
    await app.gql(SET, { c: chat, i: { defaultStyle: 'sketch' } }, { as: ADMIN_OF_CHAT });
    for (const [c, i, field] of [
      ['12345', { locale: 'en' }, 'telegramChatId'],
      ['-0', { locale: 'en' }, 'telegramChatId'],
      [chat, { defaultStyle: 'no-such-style' }, 'defaultStyle'],
      [chat, { locale: 'de' }, 'locale'],
      [chat, { whoMayUse: null }, 'whoMayUse'],
    ] as const) {
      expect((await app.gql(SET, { c, i }, { as: ADMIN_OF_CHAT })).data.setChatSettings).toEqual({ __typename: 'InvalidInput', field });
    }
    expect((await app.gql(GET, { c: chat }, { as: ADMIN_OF_CHAT })).data.chatSettings).toMatchObject({ defaultStyle: 'sketch', locale: null, whoMayUse: 'EVERYONE' });
  });

  test('without a bot (or admin) token nothing is read or changed', async () => {
    const result = await app.gql(SET, { c: '-1001000000003', i: { whoMayUse: 'ADMINS' } }, { token: null, as: null });
    expect(result.data?.setChatSettings ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect((await app.gql(GET, { c: '-1001000000003' }, { token: null, as: null })).data?.chatSettings ?? null).toBeNull();
    expect(await app.orm.em.fork().getConnection().execute("select * from chat_settings where who_may_use = 'admins'")).toHaveLength(1);
  });
});
