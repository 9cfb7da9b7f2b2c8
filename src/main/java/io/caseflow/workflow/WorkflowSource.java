package io.caseflow.workflow;

/**
 * Where a version of a workflow was read from ({@code file}: its path, or its place in the jar) and
 * the hash of what its definition means ({@link DefinitionHash}): what start-up compares with the
 * hash recorded when the version was first deployed.
 */
public record WorkflowSource(String workflow, int version, String file, String definitionHash) {}
