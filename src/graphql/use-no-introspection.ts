import { GraphQLError, type ASTVisitor, type FieldNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const META_FIELDS = new Set(['__schema', '__type']);

/**
 * graphql's NoSchemaIntrospectionCustomRule, by field name only: that rule compares types with
 * `instanceof`, which fails when the schema and the validator come from different copies of
 * graphql (ESM and CommonJS). `__schema` and `__type` exist only on the query root, so the name
 * is enough. `__typename` stays allowed.
 */
function noIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node: FieldNode) {
      if (!META_FIELDS.has(node.name.value)) return;
      context.reportError(
        new GraphQLError(`GraphQL introspection has been disabled, but the requested query contained the field "${node.name.value}".`, {
          nodes: node,
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
    },
  };
}

/** Refuses `__schema` and `__type` in every document; production's default (INTROSPECTION). */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };
}
