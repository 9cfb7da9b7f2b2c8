package io.caseflow.workflow;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.caseflow.workflow.FieldSpec.FieldType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one HOCON workflow definition and validates it as a whole: every problem found is reported
 * at once, named after the source, and no half-valid workflow is ever returned.
 */
final class WorkflowParser {

  private static final Set<String> TOP_LEVEL_KEYS =
      Set.of(
          "name",
          "version",
          "states",
          "initial-state",
          "terminal-states",
          "roles",
          "open-roles",
          "unique-open-per-subject",
          "fields",
          "actions",
          "maker-checker",
          "personal",
          "deadlines",
          "due",
          "migrations");
  private static final Set<String> ACTION_KEYS =
      Set.of("name", "from", "to", "roles", "requires", "requires-comment");
  private static final Set<String> FIELD_KEYS = Set.of("type", "values", "personal");
  private static final Set<String> MAKER_CHECKER_KEYS = Set.of("checker", "makers");
  private static final Set<String> DEADLINE_KEYS = Set.of("state", "after", "action");
  private static final Set<String> DUE_KEYS = Set.of("field", "action");
  private static final Set<String> MIGRATION_KEYS = Set.of("from-version", "states");

  private final String source;
  private final List<String> problems = new ArrayList<>();

  private WorkflowParser(String source) {
    this.source = source;
  }

  /** A valid definition, and where it came from with the hash of what it means. */
  record Parsed(Workflow workflow, WorkflowSource source) {}

  static Parsed parse(String source, String hocon) {
    return new WorkflowParser(source).parse(hocon);
  }

  private Parsed parse(String hocon) {
    Workflow workflow;
    String hash;
    try {
      Config config = ConfigFactory.parseString(hocon).resolve();
      workflow = read(config);
      hash = DefinitionHash.of(config.root());
    } catch (ConfigException e) {
      problems.add(e.getMessage().replaceFirst("^String: ", "line "));
      throw new WorkflowDefinitionException(source, problems);
    }
    new WorkflowValidator(workflow, problems).validate();
    if (!problems.isEmpty()) {
      throw new WorkflowDefinitionException(source, problems);
    }
    return new Parsed(
        workflow, new WorkflowSource(workflow.name(), workflow.version(), source, hash));
  }

  private Workflow read(Config config) {
    rejectUnknownKeys("the definition", config, TOP_LEVEL_KEYS);
    Map<String, FieldSpec> fields = new LinkedHashMap<>();
    if (config.hasPath("fields")) {
      Config fieldsConfig = config.getConfig("fields");
      for (String fieldName : fieldsConfig.root().keySet()) {
        fields.put(fieldName, readField(fieldName, fieldsConfig.getConfig(quoted(fieldName))));
      }
    }
    Map<String, WorkflowAction> actions = new LinkedHashMap<>();
    for (Config actionConfig : config.getConfigList("actions")) {
      WorkflowAction action = readAction(actionConfig);
      if (actions.putIfAbsent(action.name(), action) != null) {
        problems.add("action '" + action.name() + "' is declared more than once");
      }
    }
    List<MakerChecker> makerChecker = new ArrayList<>();
    if (config.hasPath("maker-checker")) {
      for (Config pair : config.getConfigList("maker-checker")) {
        rejectUnknownKeys("a maker-checker pair", pair, MAKER_CHECKER_KEYS);
        makerChecker.add(
            new MakerChecker(
                pair.getString("checker"), uniqueList("a maker-checker pair", pair, "makers")));
      }
    }
    Set<String> roles = uniqueList("the definition", config, "roles");
    return new Workflow(
        config.getString("name"),
        config.getInt("version"),
        List.copyOf(uniqueList("the definition", config, "states")),
        config.getString("initial-state"),
        uniqueList("the definition", config, "terminal-states"),
        roles,
        config.hasPath("open-roles") ? uniqueList("the definition", config, "open-roles") : roles,
        fields,
        actions,
        makerChecker,
        config.hasPath("unique-open-per-subject") && config.getBoolean("unique-open-per-subject"),
        config.hasPath("personal") ? uniqueList("the definition", config, "personal") : Set.of(),
        deadlines(config),
        due(config),
        migrations(config));
  }

  private List<Deadline> deadlines(Config config) {
    List<Deadline> deadlines = new ArrayList<>();
    if (config.hasPath("deadlines")) {
      for (Config deadline : config.getConfigList("deadlines")) {
        rejectUnknownKeys("a deadline", deadline, DEADLINE_KEYS);
        deadlines.add(
            new Deadline(
                deadline.getString("state"),
                deadline.getDuration("after"),
                deadline.getString("action")));
      }
    }
    return deadlines;
  }

  private Optional<DueDate> due(Config config) {
    if (!config.hasPath("due")) {
      return Optional.empty();
    }
    Config due = config.getConfig("due");
    rejectUnknownKeys("'due'", due, DUE_KEYS);
    return Optional.of(new DueDate(due.getString("field"), due.getString("action")));
  }

  private List<Migration> migrations(Config config) {
    List<Migration> migrations = new ArrayList<>();
    if (config.hasPath("migrations")) {
      for (Config migration : config.getConfigList("migrations")) {
        rejectUnknownKeys("a migration", migration, MIGRATION_KEYS);
        Map<String, String> states = new LinkedHashMap<>();
        Config mapping = migration.getConfig("states");
        for (String from : mapping.root().keySet()) {
          states.put(from, mapping.getString(quoted(from)));
        }
        migrations.add(new Migration(migration.getInt("from-version"), states));
      }
    }
    return migrations;
  }

  private WorkflowAction readAction(Config action) {
    String name = action.getString("name");
    String what = "action '" + name + "'";
    rejectUnknownKeys(what, action, ACTION_KEYS);
    return new WorkflowAction(
        name,
        uniqueList(what, action, "from"),
        action.getString("to"),
        uniqueList(what, action, "roles"),
        action.hasPath("requires") ? List.copyOf(uniqueList(what, action, "requires")) : List.of(),
        action.hasPath("requires-comment") && action.getBoolean("requires-comment"));
  }

  private FieldSpec readField(String name, Config field) {
    rejectUnknownKeys("field '" + name + "'", field, FIELD_KEYS);
    String typeName = field.getString("type");
    FieldType type;
    try {
      type = FieldType.valueOf(typeName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(
          "field '"
              + name
              + "' has unknown type '"
              + typeName
              + "' (string, number, boolean, enum, instant)");
      type = FieldType.STRING;
    }
    List<String> values = field.hasPath("values") ? field.getStringList("values") : List.of();
    if (type == FieldType.ENUM && values.isEmpty()) {
      problems.add("enum field '" + name + "' declares no values");
    }
    if (type != FieldType.ENUM && !values.isEmpty()) {
      problems.add("field '" + name + "' declares values but only enum fields take them");
    }
    return new FieldSpec(
        name, type, values, field.hasPath("personal") && field.getBoolean("personal"));
  }

  private Set<String> uniqueList(String what, Config config, String path) {
    List<String> list = config.getStringList(path);
    Set<String> unique = new LinkedHashSet<>(list);
    if (unique.size() != list.size()) {
      problems.add(what + ": '" + path + "' lists a value more than once: " + list);
    }
    return unique;
  }

  private void rejectUnknownKeys(String what, Config config, Set<String> known) {
    for (String key : config.root().keySet()) {
      if (!known.contains(key)) {
        problems.add(
            what
                + " has unknown key '"
                + key
                + "' (known: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  private static String quoted(String key) {
    return "\"" + key + "\"";
  }
}
