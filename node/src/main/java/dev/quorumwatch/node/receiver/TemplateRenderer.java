package dev.quorumwatch.node.receiver;

import com.samskivert.mustache.BasicCollector;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A receiver's own title and text, as Mustache templates over the alerts' context (see AlertMessage).
 * Logic-less by design: the context holds only maps, lists and text, and the collector reads
 * nothing else, so a template can't call into the node. Templates are checked when the
 * monitors file is applied; at send time a template that still fails yields the default text.
 */
public final class TemplateRenderer {
  /** Long enough for any message a person reads; bounds the compile and the cache. */
  public static final int MAX_TEMPLATE_CHARS = 8192;
  private static final int CACHE_MAX = 512;
  private static final Mustache.Compiler PLAIN = compiler(false);
  private static final Mustache.Compiler HTML = compiler(true);
  private static final Map<String, Template> compiled = new ConcurrentHashMap<>();

  private TemplateRenderer() {}

  private static Mustache.Compiler compiler(boolean escapeHtml) {
    return Mustache.compiler().escapeHTML(escapeHtml).defaultValue("").withCollector(new BasicCollector() {
      @Override
      public <K, V> Map<K, V> createFetcherCache() {
        return new ConcurrentHashMap<>();
      }
    });
  }

  /** Null when {@code template} compiles, else why not, with its line. */
  public static String problem(String template) {
    if (template.length() > MAX_TEMPLATE_CHARS) {
      return "expected a template of at most " + MAX_TEMPLATE_CHARS + " characters, got " + template.length();
    }
    try {
      PLAIN.compile(template);
      return null;
    } catch (MustacheException e) {
      return "not a valid template: " + e.getMessage();
    }
  }

  /** {@code template} rendered over {@code context}; throws MustacheException when it can't be. */
  public static String render(String template, Map<String, Object> context, boolean html) {
    String key = (html ? "h" : "p") + template;
    Template t = compiled.get(key);
    if (t == null) {
      t = (html ? HTML : PLAIN).compile(template);
      if (compiled.size() < CACHE_MAX) {
        compiled.put(key, t);
      }
    }
    return t.execute(context);
  }
}
