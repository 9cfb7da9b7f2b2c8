package io.caseflow.http;

import io.caseflow.cases.ErrorCode;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human text for error codes, from the {@code messages} resource bundle. */
final class MessageCatalog {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

  private final ResourceBundle bundle = ResourceBundle.getBundle("messages");

  String title(ErrorCode code) {
    return bundle.getString(code.code() + ".title");
  }

  String detail(ErrorCode code, Map<String, String> args) {
    String template = bundle.getString(code.code() + ".detail").replace("''", "'");
    Matcher placeholder = PLACEHOLDER.matcher(template);
    StringBuilder detail = new StringBuilder();
    while (placeholder.find()) {
      String value = args.getOrDefault(placeholder.group(1), placeholder.group());
      placeholder.appendReplacement(detail, Matcher.quoteReplacement(value));
    }
    return placeholder.appendTail(detail).toString();
  }
}
