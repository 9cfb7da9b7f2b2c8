package io.caseflow.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a tenant's live stream stands: the last feed position it has passed in each read-side
 * slice. Its text, the positions joined by dots from slice 0 on, is the SSE id a client sends back
 * as {@code Last-Event-ID}.
 */
public record FeedPosition(List<Long> slices) {

  private static final Pattern TEXT = Pattern.compile("\\d{1,18}(\\.\\d{1,18})*");

  public FeedPosition {
    slices = List.copyOf(slices);
  }

  /**
   * The position a {@link #toString} wrote.
   *
   * @throws IllegalArgumentException when the text is not a position of {@code sliceCount} slices
   */
  public static FeedPosition parse(String text, int sliceCount) {
    if (!TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException("not a stream position: '" + text + "'");
    }
    List<Long> slices = new ArrayList<>();
    for (String part : text.split("\\.")) {
      slices.add(Long.parseLong(part));
    }
    if (slices.size() != sliceCount) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a position of this service's " + sliceCount + " slices");
    }
    return new FeedPosition(slices);
  }

  /** This position, moved past {@code position} in {@code slice}. */
  public FeedPosition after(int slice, long position) {
    List<Long> moved = new ArrayList<>(slices);
    moved.set(slice, position);
    return new FeedPosition(moved);
  }

  @Override
  public String toString() {
    return slices.stream().map(String::valueOf).collect(Collectors.joining("."));
  }
}
