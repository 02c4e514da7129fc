import { STYLES, type Style } from '../../generation/styles.ts';
import { builder } from '../builder.ts';

export const StyleRef = builder.objectRef<Style>('Style').implement({
  description: 'An entry of the style catalog.',
  fields: (t) => ({
    id: t.exposeID('id'),
    label: t.exposeString('label'),
  }),
});

builder.queryField('styles', (t) =>
  t.field({ type: [StyleRef], description: 'The style catalog, in display order.', resolve: () => [...STYLES] }),
);
