package io.caseflow.http;

import io.caseflow.cases.CaseId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the event a command produced ({@code <case id>@<sequence number>}, within the caller's
 * tenant), so a later query can ask to see at least that much of the read side.
 */
record ConsistencyToken(String caseId, long seq) {

  static final String HEADER = "Caseflow-Consistency";
  private static final Pattern FORMAT = Pattern.compile("(.+)@(\\d{1,18})");

  static ConsistencyToken parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches() || !CaseId.isValid(matcher.group(1))) {
      throw new MalformedRequestException(
          "A consistency token looks like <case id>@<version>, as the "
              + HEADER
              + " response header gives it; got '"
              + text
              + "'.");
    }
    return new ConsistencyToken(matcher.group(1), Long.parseLong(matcher.group(2)));
  }

  @Override
  public String toString() {
    return caseId + "@" + seq;
  }
}
