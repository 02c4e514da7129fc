import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

type Result = { errors?: readonly unknown[] } & Record<string, unknown>;

function hide(error: unknown): unknown {
  if (!(error instanceof Error) || !error.message.includes('Did you mean')) return error;
  const message = `${error.message.replace(SUGGESTION, '')} [Suggestion hidden]`;
  if (!(error instanceof GraphQLError)) return new GraphQLError(message);
  return new GraphQLError(message, {
    nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
    originalError: error.originalError, extensions: error.extensions,
  });
}

function hideIn(result: Result): Result {
  return result.errors ? { ...result, errors: result.errors.map(hide) } : result;
}

/**
 * graphql-armor hides field suggestions in validation errors only; enum values and variable
 * coercion ("Did you mean the enum value …?") still name schema members. This strips them from
 * every result, for production where the schema is not meant to be explored by trial and error.
 */
export function useHiddenSuggestions(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map((one) => hideIn(one as Result)) as never);
      else if (!(Symbol.asyncIterator in (result as object))) setResult(hideIn(result as Result) as never);
    },
  };
}
