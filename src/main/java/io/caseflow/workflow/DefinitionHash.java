package io.caseflow.workflow;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * What a workflow definition means, as a SHA-256 hash (64 hex digits): the hash of the parsed and
 * resolved HOCON written in a canonical form of its own, where object keys are sorted, strings are
 * JSON-quoted, numbers, booleans and null are as the parser read them, and nothing else is kept. So
 * comments, whitespace, the order of keys within an object, quoting a string or not, {@code a.b =
 * x} against {@code a { b = x }}, and substitutions (hashed as resolved) are no change; a changed
 * value, an added or removed key, and a reordered list (of actions, states, roles) are. A value
 * written another way ({@code 72h} as {@code 3d}) counts as a change: a duration is hashed as
 * written, not as read.
 *
 * <p>The form is written here rather than by the configuration library's renderer, so that a
 * release of that library cannot change every hash. It must never change: each deployed version's
 * hash is recorded and compared at every start, and another form would refuse every deployment.
 */
public final class DefinitionHash {

  private static final HexFormat HEX = HexFormat.of();

  private DefinitionHash() {}

  /**
   * The hash of a definition's text.
   *
   * @throws com.typesafe.config.ConfigException when it is no HOCON
   */
  public static String of(String hocon) {
    return of(ConfigFactory.parseString(hocon).resolve().root());
  }

  static String of(ConfigObject definition) {
    StringBuilder canonical = new StringBuilder();
    write(definition, canonical);
    try {
      return HEX.formatHex(
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  private static void write(ConfigValue value, StringBuilder out) {
    switch (value.valueType()) {
      case OBJECT -> {
        ConfigObject object = (ConfigObject) value;
        out.append('{');
        String separator = "";
        for (String key : new TreeSet<>(object.keySet())) {
          out.append(separator);
          quote(key, out);
          out.append(':');
          write(object.get(key), out);
          separator = ",";
        }
        out.append('}');
      }
      case LIST -> {
        out.append('[');
        String separator = "";
        for (ConfigValue element : (ConfigList) value) {
          out.append(separator);
          write(element, out);
          separator = ",";
        }
        out.append(']');
      }
      case STRING -> quote((String) value.unwrapped(), out);
      case NUMBER, BOOLEAN -> out.append(value.unwrapped());
      case NULL -> out.append("null");
    }
  }

  private static void quote(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
