package io.caseflow.http;

/** A request the service cannot read: bad JSON, wrong types, bad headers or parameters. */
final class MalformedRequestException extends RuntimeException {

  MalformedRequestException(String detail) {
    super(detail);
  }
}
