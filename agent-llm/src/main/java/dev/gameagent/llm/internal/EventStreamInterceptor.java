package dev.gameagent.llm.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Okio;

/**
 * Hands okhttp-sse a successful {@code text/event-stream} body through a {@link LineFeedSource}.
 * An application interceptor, so it sees the body after OkHttp's transparent gzip decoding; other
 * responses (errors, wrong content types) pass untouched, so their bodies read as sent.
 */
final class EventStreamInterceptor implements Interceptor {
  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    ResponseBody body = response.body();
    MediaType type = body.contentType();
    if (!response.isSuccessful() || type == null || !type.type().equals("text") || !type.subtype().equals("event-stream")) {
      return response;
    }
    // The length changes with the line ends; a stream's is unknown anyway.
    ResponseBody lf = ResponseBody.create(Okio.buffer(new LineFeedSource(body.source(), chain.call())), type, -1);
    return response.newBuilder().body(lf).build();
  }
}
