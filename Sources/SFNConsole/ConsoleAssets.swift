/// The console `sfn serve` serves at `/`: one page, one script, one stylesheet, all embedded so
/// the console works offline and the binary needs no resource files.
///
/// The script talks to the server only through the Step Functions API (`POST /` with
/// `X-Amz-Target`, as SDKs do) and two read-only views, `GET /console/graph.svg` and
/// `GET /console/tasks`. Every text it shows goes through `textContent`, never markup.
public enum ConsoleAssets {
    /// `index.html`.
    public static let page = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>sfn console</title>
        <link rel="stylesheet" href="/console/app.css">
        </head>
        <body>
        <header>
          <a href="#/" class="brand">sfn</a>
          <nav><a href="#/">State machines</a></nav>
          <span id="connection" class="muted"></span>
        </header>
        <main id="view"><p class="muted">Loading…</p></main>
        <script src="/console/app.js"></script>
        </body>
        </html>
        """#

    /// `app.css`.
    public static let styles = #"""
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f1f1f; background: #f5f6f7; }
        header { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #232f3e; color: #fff; }
        header a { color: #fff; text-decoration: none; }
        header .brand { font-weight: 700; font-size: 18px; letter-spacing: 0.5px; }
        header .muted { color: #bfc5cc; margin-left: auto; font-size: 12px; }
        main { padding: 16px 20px 40px; max-width: 1400px; }
        h1 { font-size: 20px; margin: 4px 0 12px; word-break: break-all; }
        h2 { font-size: 15px; margin: 22px 0 8px; }
        a { color: #0b66c3; }
        .muted { color: #737373; }
        .panel { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 12px 14px; margin-bottom: 14px; }
        .columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 14px; align-items: start; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top; font-size: 13px; }
        th { background: #fafafa; font-weight: 600; }
        tr.clickable { cursor: pointer; }
        tr.clickable:hover { background: #f0f6ff; }
        pre { background: #f7f7f7; border: 1px solid #eee; border-radius: 4px; padding: 8px; overflow: auto; max-height: 320px; font-size: 12px; margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
        textarea, input[type=text], select { font: 12px ui-monospace, Menlo, Consolas, monospace; border: 1px solid #ccc; border-radius: 4px; padding: 5px; }
        textarea { width: 100%; min-height: 70px; }
        button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid #0b66c3; background: #0b66c3; color: #fff; cursor: pointer; margin: 4px 6px 4px 0; }
        button.secondary { background: #fff; color: #0b66c3; }
        button.danger { background: #c62828; border-color: #c62828; }
        button:disabled { opacity: 0.5; cursor: default; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e6e6e6; }
        .badge.RUNNING { background: #d6e8ff; color: #0b4fa3; }
        .badge.SUCCEEDED { background: #d9f2d9; color: #1b5e20; }
        .badge.FAILED, .badge.TIMED_OUT { background: #ffd6d6; color: #8e1c1c; }
        .badge.ABORTED, .badge.PENDING_REDRIVE { background: #ffe8c2; color: #7a4b00; }
        .graph { overflow: auto; background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px; }
        .graph g.state { cursor: pointer; }
        .graph g.state.selected > rect, .graph g.state.selected > polygon { stroke: #6f42c1 !important; stroke-width: 3 !important; }
        .error { color: #8e1c1c; background: #fff0f0; border: 1px solid #f3c2c2; padding: 8px; border-radius: 4px; white-space: pre-wrap; }
        .task { border: 1px solid #ffd591; background: #fffbf0; border-radius: 6px; padding: 10px; margin-bottom: 10px; }
        .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
        .legend span { margin-right: 10px; font-size: 12px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; border: 1px solid #999; }
        """#
}
