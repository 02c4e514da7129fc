import { imageModelChoices, type ModelChoice } from '../../generation/model-choices.ts';
import { builder } from '../builder.ts';

const ModelChoiceRef = builder.objectRef<ModelChoice>('ModelChoice').implement({
  description: 'A configured provider and its model, as a user can pick it with setPreferences(imageProvider).',
  fields: (t) => ({
    provider: t.exposeID('provider'),
    model: t.exposeString('model'),
    ai: t.exposeBoolean('ai', { description: 'False for `procedural`, the offline renderer.' }),
  }),
});

builder.queryField('imageModels', (t) =>
  t.field({
    authScopes: { bot: true },
    type: [ModelChoiceRef],
    description: 'The image providers this API is configured with, in the order it tries them (IMAGE_PROVIDER).',
    resolve: (_root, _args, ctx) => imageModelChoices(ctx.services.providers.image),
  }),
);
