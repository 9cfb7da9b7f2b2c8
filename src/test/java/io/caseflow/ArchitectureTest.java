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
import io.caseflow.cases.CaseDecider;
import io.caseflow.cases.CaseEvent;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.util.List;

@AnalyzeClasses(packages = "io.caseflow", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String TEST_KIT = "io.caseflow.testkit..";

  @ArchTest
  static final ArchRule caseEventsAreCreatedOnlyInTheCasesPackage =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.caseflow.cases..", TEST_KIT)
          .should()
          .callConstructorWhere(target(declaredIn(assignableTo(CaseEvent.class))))
          .because("a case event is a fact only the case itself may record");

  // The test kit writes given histories for its users' tests; the service never uses it.
  @ArchTest
  static final ArchRule theServiceDoesNotUseTheTestKit =
      noClasses()
          .that()
          .resideOutsideOfPackage(TEST_KIT)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(TEST_KIT);

  // The events' own withHash copies an event; every new fact comes from the decider, which the
  // entity alone asks.
  @ArchTest
  static final ArchRule onlyTheCaseDeciderMakesCaseEvents =
      noClasses()
          .that()
          .doNotBelongToAnyOf(CaseDecider.class)
          .and()
          .resideOutsideOfPackage(TEST_KIT)
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
              "io.caseflow.audit..",
              "io.caseflow.jdbc..",
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
  static final ArchRule onlyProjectionsAndTheirOperationsWriteDerivedTables =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "io.caseflow.readside..",
              "io.caseflow.notify..",
              "io.caseflow.saga..",
              "io.caseflow.refusals..",
              "io.caseflow.audit..")
          .and()
          .doNotHaveFullyQualifiedName("io.caseflow.app.DeployedWorkflowVersions")
          .should()
          .callMethod(Sql.class, "update", Connection.class, String.class, Object[].class)
          .orShould()
          .callMethod(Sql.class, "batch", Connection.class, String.class, List.class)
          .because(
              "query tables are derived by the read side's projection (and its repairs); every"
                  + " other table belongs to the package that keeps it: webhooks to notify,"
                  + " saga_status to the saga status projection, the refusal log to its recorder,"
                  + " checkpoints and subject keys to audit, the record of deployed workflow"
                  + " versions to the start-up check that keeps it; queries, routes and cases only"
                  + " read");
}
