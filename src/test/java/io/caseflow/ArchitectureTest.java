package io.caseflow;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.AccessTarget.Predicates.declaredIn;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.notify.WebhookDelivery;
import io.caseflow.notify.WebhookOutbox;
import io.caseflow.notify.Webhooks;
import io.caseflow.readside.CaseReadModel;
import io.caseflow.readside.DeadLetters;
import io.caseflow.readside.ReadSideRebuild;
import io.caseflow.readside.ReadSideSlices;
import io.caseflow.readside.Reconciliation;
import io.caseflow.readside.Sql;
import io.caseflow.refusals.RefusalRecorder;
import io.caseflow.refusals.Refusals;
import io.caseflow.saga.SagaStatus;
import java.sql.Connection;
import java.util.List;

@AnalyzeClasses(packages = "io.caseflow", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule caseEventsAreCreatedOnlyInTheCasesPackage =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.caseflow.cases..")
          .should()
          .callConstructorWhere(target(declaredIn(assignableTo(CaseEvent.class))))
          .because("a case event is a fact only the case itself may record");

  // The events' own withHash copies an event; every new fact comes from the entity.
  @ArchTest
  static final ArchRule onlyTheCaseEntityEmitsCaseEvents =
      noClasses()
          .that()
          .doNotBelongToAnyOf(CaseEntity.class)
          .and()
          .areNotAssignableTo(CaseEvent.class)
          .should()
          .callConstructorWhere(target(declaredIn(assignableTo(CaseEvent.class))))
          .because("the entity is the only writer of a case's history");

  @ArchTest
  static final ArchRule casesKnowNothingOfHttpStorageOrWiring =
      noClasses()
          .that()
          .resideInAPackage("io.caseflow.cases..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.caseflow.http..",
              "io.caseflow.app..",
              "io.caseflow.readside..",
              "io.caseflow.query..",
              "io.caseflow.notify..",
              "io.caseflow.saga..",
              "org.apache.pekko.http..",
              "java.sql..",
              "javax.sql..",
              "org.flywaydb..",
              "com.zaxxer..");

  @ArchTest
  static final ArchRule workflowsDependOnNothingElseOfCaseflow =
      noClasses()
          .that()
          .resideInAPackage("io.caseflow.workflow..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.caseflow..")
                  .and(not(resideInAPackage("io.caseflow.workflow.."))));

  @ArchTest
  static final ArchRule httpDoesNotDependOnTheApplicationWiring =
      noClasses()
          .that()
          .resideInAPackage("io.caseflow.http..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.caseflow.app..");

  @ArchTest
  static final ArchRule onlyTheReadSideWritesItsTables =
      noClasses()
          .that()
          .doNotBelongToAnyOf(
              Webhooks.class,
              WebhookOutbox.class,
              WebhookDelivery.class,
              CaseReadModel.class,
              DeadLetters.class,
              Reconciliation.class,
              ReadSideRebuild.class,
              ReadSideSlices.class,
              SagaStatus.class,
              RefusalRecorder.class,
              Refusals.class)
          .should()
          .callMethod(Sql.class, "update", Connection.class, String.class, Object[].class)
          .orShould()
          .callMethod(Sql.class, "batch", Connection.class, String.class, List.class)
          .because(
              "query tables are derived from events by the projection handler alone (its dead"
                  + " letters, the reconciliation report, the slice rows and the rebuild's reset"
                  + " aside); the webhook tables belong to notify, saga_status to the saga"
                  + " status projection, the refusal log to its recorder and its retention");
}
