package io.caseflow.jdbc;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a keyset-paginated list, and the cursor of the next page (null at the end): what
 * every list of the API answers, {@code {"items": […], "nextCursor": …}}.
 */
public record Page<T>(List<T> items, String nextCursor) {

  public Page {
    items = List.copyOf(items);
  }

  /**
   * The page of a query that asked for one row more than {@code limit}: that extra row, when it
   * came, says there is a next page, which starts after the page's last row ({@code cursorOf}).
   */
  public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursorOf) {
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<T> page = rows.subList(0, limit);
    return new Page<>(page, cursorOf.apply(page.get(limit - 1)));
  }
}
