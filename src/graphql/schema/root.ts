import { builder } from '../builder.ts';

builder.queryType({ description: 'Reads. Anonymous callers may use `health` and `styles` only.' });
builder.mutationType({ description: 'Writes, always on behalf of the acting user named by a bot token.' });
builder.subscriptionType({ description: 'Live updates over Server-Sent Events (`Accept: text/event-stream`).' });
