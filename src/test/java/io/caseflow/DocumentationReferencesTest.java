package io.caseflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every reference a reader can follow leads somewhere in this repository: README anchors and quoted
 * section names, the README sections other files cite, the repository paths the README and the
 * documents under {@code docs/} name, and the documents' links to each other. Nothing points
 * outside the repository (such as {@code ../shared}).
 */
class DocumentationReferencesTest {

  private static final Path README = Path.of("README.md");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{2,4} (.+)$");
  private static final Pattern ANCHOR = Pattern.compile("\\]\\(#([^)]+)\\)");
  private static final Pattern SECTION_IN_README = Pattern.compile("see \"([^\"]+)\"");
  private static final Pattern SECTION_ELSEWHERE = Pattern.compile("see README, \"([^\"]+)\"");
  private static final Pattern REPOSITORY_PATH =
      Pattern.compile("`((?:src|conf|db|deploy|bin|docs|\\.ci)/[^`*\\s]*)`");

  /** A Markdown link to a file beside the document: no scheme, no anchor of its own page. */
  private static final Pattern RELATIVE_LINK = Pattern.compile("\\]\\(([^):#]+)(?:#[^)]*)?\\)");

  private static final Pattern OUTSIDE = Pattern.compile("\\.\\./[\\w./-]+");

  @Test
  void readmeReferencesLeadToItsSectionsAndToFilesOfTheRepository() {
    String readme = read(README);
    List<String> headings = headings(readme);
    List<String> broken = new ArrayList<>();
    matches(ANCHOR, readme)
        .forEach(
            anchor -> {
              if (headings.stream()
                  .map(DocumentationReferencesTest::slug)
                  .noneMatch(anchor::equals)) {
                broken.add("README anchor #" + anchor);
              }
            });
    matches(SECTION_IN_README, readme)
        .forEach(
            section -> {
              if (headings.stream().noneMatch(heading -> heading.startsWith(section))) {
                broken.add("README section \"" + section + "\"");
              }
            });
    matches(REPOSITORY_PATH, readme)
        .forEach(
            path -> {
              if (!Files.exists(Path.of(path))) {
                broken.add("README path " + path);
              }
            });
    matches(OUTSIDE, readme).forEach(outside -> broken.add("README points outside: " + outside));
    assertEquals(List.of(), broken);
  }

  @Test
  void sectionsOtherFilesCiteAreInTheReadme() throws IOException {
    List<String> headings = headings(read(README));
    List<String> broken = new ArrayList<>();
    for (Path file : textFiles()) {
      matches(SECTION_ELSEWHERE, read(file))
          .forEach(
              section -> {
                if (headings.stream().noneMatch(heading -> heading.startsWith(section))) {
                  broken.add(file + " cites README section \"" + section + "\"");
                }
              });
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void linksAndPathsInDocsLeadToFilesOfTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    List<Path> docs;
    try (Stream<Path> paths = Files.walk(Path.of("docs"))) {
      docs = paths.filter(path -> path.toString().endsWith(".md")).toList();
    }
    for (Path doc : docs) {
      String text = read(doc);
      matches(RELATIVE_LINK, text)
          .forEach(
              link -> {
                if (!Files.exists(doc.resolveSibling(link))) {
                  broken.add(doc + " links to " + link);
                }
              });
      matches(REPOSITORY_PATH, text)
          .forEach(
              path -> {
                if (!Files.exists(Path.of(path))) {
                  broken.add(doc + " names " + path);
                }
              });
      matches(OUTSIDE, text).forEach(outside -> broken.add(doc + " points outside: " + outside));
    }
    assertEquals(List.of(), broken);
  }

  /** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
  static String slug(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static List<String> headings(String markdown) {
    return matches(HEADING, markdown.replaceAll("(?s)```.*?```", "")).stream()
        .map(String::strip)
        .toList();
  }

  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
    }
    return found;
  }

  private static List<Path> textFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String root : List.of("src/main", "conf", "deploy", "bin", "db", ".ci")) {
      try (Stream<Path> paths = Files.walk(Path.of(root))) {
        paths.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    files.add(Path.of("pom.xml"));
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
