package io.caseflow.http;

import io.caseflow.audit.SubjectKeys;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseView;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.PersonalData;
import io.caseflow.cases.PersonalData.Sealing;
import io.caseflow.cases.Principal;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where personal values enter: a request's values that its workflow declares personal are sealed
 * with their subject's data key before the command leaves the HTTP layer, so no plaintext of them
 * reaches a case, a saga or the journal. Reads (or makes) the subject's key: blocking.
 */
final class PersonalSealing {

  private final WorkflowRegistry workflows;
  private final SubjectKeys keys;

  /** Every data field any workflow version declares personal: what an action may need sealed. */
  private final Set<String> personalFields;

  PersonalSealing(WorkflowRegistry workflows, SubjectKeys keys) {
    this.workflows = workflows;
    this.keys = keys;
    this.personalFields =
        workflows.all().stream()
            .flatMap(workflow -> workflow.fields().values().stream())
            .filter(field -> field.personal())
            .map(field -> field.name())
            .collect(Collectors.toUnmodifiableSet());
  }

  /** The workflow a new case of {@code name} follows, when it holds personal data. */
  Optional<Workflow> personalWorkflow(String name) {
    return name == null
        ? Optional.empty()
        : workflows.latest(name).filter(Workflow::holdsPersonalData);
  }

  /**
   * Whether an action's data names a field some workflow declares personal, so that its case must
   * be asked which workflow it follows before the action is sent.
   */
  boolean mayHoldPersonalValues(Map<String, Object> data) {
    return data != null && data.keySet().stream().anyMatch(personalFields::contains);
  }

  /**
   * A new case's subject, title and data, their personal values sealed. A subject that is missing,
   * or a principal that may not open such cases, is left for the case to refuse (it refuses either
   * before it looks at any value, and it never takes a personal value unsealed): no key is made for
   * a request the case will refuse so.
   */
  Sealing open(
      Workflow workflow,
      Principal principal,
      String subject,
      String title,
      Map<String, Object> data) {
    Map<String, Object> given = data == null ? Map.of() : data;
    if (subject == null || subject.isBlank() || !principal.hasAnyRole(workflow.openRoles())) {
      return new Sealing.Sealed(subject, title, given);
    }
    String tenant = principal.tenant();
    if (!keys.available()) {
      return keyMissing();
    }
    return PersonalData.seal(
        workflow, subject, title, given, keys.sealer(tenant, keys.refOf(tenant, subject)));
  }

  /**
   * An action's data on {@code current}, its personal values sealed with the case subject's key.
   */
  Sealing action(CaseView current, Map<String, Object> data) {
    Optional<Workflow> workflow = workflows.version(current.workflow(), current.workflowVersion());
    if (workflow.isEmpty() || !PersonalData.holdsPersonalFields(workflow.get(), data)) {
      return new Sealing.Sealed(null, null, data);
    }
    if (!keys.available()) {
      return keyMissing();
    }
    String ref =
        PersonalData.isSealed(current.subject())
            ? PersonalData.subjectRefOf(current.subject())
            : keys.refOf(current.tenant(), current.subject());
    return PersonalData.sealData(workflow.get(), data, keys.sealer(current.tenant(), ref));
  }

  private static Sealing keyMissing() {
    return new Sealing.Refused(Rejected.of(ErrorCode.SECRET_KEY_MISSING));
  }
}
