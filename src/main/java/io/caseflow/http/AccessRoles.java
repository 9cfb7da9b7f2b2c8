package io.caseflow.http;

/**
 * The names of the two roles Caseflow itself gives meaning to, as the identity provider spells
 * them: the platform operator (runs the read side and sees every tenant's sagas; owns no cases) and
 * a tenant's admin (manages the tenant's webhooks, may merge cases). Workflow roles are the
 * workflows' own.
 */
public record AccessRoles(String operator, String admin) {}
