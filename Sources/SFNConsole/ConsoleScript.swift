extension ConsoleAssets {
    /// `app.js`: a hash-routed page (`#/`, `#/machine/ARN`, `#/execution/ARN`, `#/maprun/ARN`)
    /// that polls a running execution once a second and redraws its graph in place.
    public static let script = #"""
        "use strict";
        const view = document.getElementById("view");
        let timer = null;
        let generation = 0;

        async function api(operation, body) {
          const response = await fetch("/", {
            method: "POST",
            headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + operation },
            body: JSON.stringify(body || {}),
          });
          const data = await response.json().catch(() => ({}));
          if (!response.ok) {
            const type = String(data.__type || response.status).split("#").pop();
            throw new Error(type + ": " + (data.message || data.Message || ""));
          }
          return data;
        }

        async function allPages(operation, body, key) {
          let items = [];
          let nextToken;
          do {
            const page = await api(operation, Object.assign({}, body, nextToken ? { nextToken } : {}));
            items = items.concat(page[key] || []);
            nextToken = page.nextToken;
          } while (nextToken && items.length < 5000);
          return items;
        }

        function el(tag, attributes, ...children) {
          const node = document.createElement(tag);
          for (const [key, value] of Object.entries(attributes || {})) {
            if (value === undefined || value === null || value === false) continue;
            if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
            else if (key === "text") node.textContent = value;
            else node.setAttribute(key, value === true ? "" : value);
          }
          for (const child of children.flat()) {
            if (child === null || child === undefined || child === false) continue;
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          }
          return node;
        }

        function badge(status) { return el("span", { class: "badge " + status, text: status }); }
        function when(seconds) { return seconds ? new Date(seconds * 1000).toLocaleString() : "—"; }
        function pretty(text) {
          if (text === undefined || text === null) return "";
          try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return String(text); }
        }
        function link(hash, text) { return el("a", { href: hash, text }); }
        function failure(error) { return el("div", { class: "error", text: String(error.message || error) }); }
        function shortName(arn) { return String(arn).split(":").pop(); }

        async function loadGraph(container, query, selected, onSelect) {
          const response = await fetch("/console/graph.svg?" + query);
          if (!response.ok) throw new Error("graph: " + response.status);
          const text = await response.text();
          const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
          const svg = document.importNode(parsed.documentElement, true);
          for (const state of svg.querySelectorAll("g.state")) {
            if (state.dataset.state === selected) state.classList.add("selected");
            if (onSelect) state.addEventListener("click", () => onSelect(state.dataset.state));
          }
          container.replaceChildren(svg);
        }

        function legend() {
          const colours = [["running", "#d6e8ff"], ["succeeded", "#d9f2d9"], ["failed", "#ffd6d6"], ["caught", "#ffe8c2"],
            ["stopped", "#e6e6e6"], ["not reached", "#f5f5f5"]];
          return el("div", { class: "legend muted" }, colours.map(([name, colour]) =>
            el("span", {}, el("i", { style: "background:" + colour }), name)));
        }

        // ---- State machines ----
        async function machinesView(token) {
          const machines = await allPages("ListStateMachines", {}, "stateMachines");
          if (token !== generation) return;
          view.replaceChildren(
            el("h1", { text: "State machines" }),
            machines.length === 0
              ? el("p", { class: "muted", text: "No state machines yet: create one with the API (aws stepfunctions create-state-machine) or pass definition files to sfn serve." })
              : el("table", { id: "machines" },
                  el("tr", {}, el("th", { text: "Name" }), el("th", { text: "Type" }), el("th", { text: "Created" })),
                  machines.map((m) => el("tr", { class: "clickable", "data-arn": m.stateMachineArn, onclick: () => { location.hash = "#/machine/" + encodeURIComponent(m.stateMachineArn); } },
                    el("td", {}, link("#/machine/" + encodeURIComponent(m.stateMachineArn), m.name)), el("td", { text: m.type }), el("td", { text: when(m.creationDate) })))));
        }

        async function machineView(arn, token) {
          const machine = await api("DescribeStateMachine", { stateMachineArn: arn });
          if (token !== generation) return;
          const graph = el("div", { class: "graph", id: "graph" });
          const executions = el("div", { id: "executions" });
          const filter = el("select", { id: "status-filter" },
            ["ALL", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"].map((s) => el("option", { value: s, text: s })));
          const input = el("textarea", { id: "start-input", spellcheck: "false" }, "{}");
          const name = el("input", { type: "text", id: "start-name", placeholder: "name (optional)", size: 30 });
          const message = el("div");
          async function listExecutions() {
            const body = { stateMachineArn: arn };
            if (filter.value !== "ALL") body.statusFilter = filter.value;
            try {
              const list = await allPages("ListExecutions", body, "executions");
              executions.replaceChildren(list.length === 0 ? el("p", { class: "muted", text: "No executions." }) :
                el("table", {}, el("tr", {}, el("th", { text: "Name" }), el("th", { text: "Status" }), el("th", { text: "Started" }), el("th", { text: "Stopped" })),
                  list.map((e) => el("tr", { class: "clickable", onclick: () => { location.hash = "#/execution/" + encodeURIComponent(e.executionArn); } },
                    el("td", {}, link("#/execution/" + encodeURIComponent(e.executionArn), e.name)), el("td", {}, badge(e.status)),
                    el("td", { text: when(e.startDate) }), el("td", { text: when(e.stopDate) })))));
            } catch (error) { executions.replaceChildren(failure(error)); }
          }
          filter.addEventListener("change", listExecutions);
          const start = el("button", { id: "start-button", onclick: async () => {
            message.replaceChildren();
            try {
              JSON.parse(input.value);
            } catch (error) { message.replaceChildren(failure("The input is not JSON: " + error.message)); return; }
            try {
              const body = { stateMachineArn: arn, input: input.value };
              if (name.value.trim()) body.name = name.value.trim();
              const started = await api("StartExecution", body);
              location.hash = "#/execution/" + encodeURIComponent(started.executionArn);
            } catch (error) { message.replaceChildren(failure(error)); }
          } }, "Start execution");
          view.replaceChildren(
            el("div", { class: "muted" }, link("#/", "State machines"), " / "),
            el("h1", { text: machine.name }),
            el("p", { class: "muted", text: machine.type + " · " + arn }),
            el("div", { class: "columns" },
              el("div", {}, graph),
              el("div", {},
                el("div", { class: "panel" }, el("h2", { text: "Start an execution" }), name, el("div", { class: "muted", text: "Input" }), input, start, message),
                el("div", { class: "panel" }, el("h2", { text: "Definition" }), el("pre", { id: "definition", text: pretty(machine.definition) })))),
            el("h2", {}, "Executions ", filter),
            executions);
          await Promise.all([loadGraph(graph, "stateMachineArn=" + encodeURIComponent(arn)).catch((e) => graph.replaceChildren(failure(e))), listExecutions()]);
        }

        // ---- One execution ----
        async function executionView(arn, token) {
          let selected = null;
          let shownTokens = "";
          const header = el("div");
          const graph = el("div", { class: "graph", id: "graph" });
          const tasks = el("div", { id: "tasks" });
          const details = el("div", { id: "state-details", class: "panel" }, el("p", { class: "muted", text: "Click a state to see its input and output." }));
          const io = el("div", { id: "execution-io" });
          const mapRuns = el("div", { id: "map-runs" });
          const events = el("div", { id: "events" });
          const actions = el("div", { class: "row" });
          const message = el("div");
          let history = [];
          view.replaceChildren(header, actions, message,
            el("div", { class: "columns" },
              el("div", {}, graph, legend()),
              el("div", {}, tasks, details, io)),
            mapRuns, el("h2", { text: "Events" }), events);

          function stateDetails(stateName) {
            selected = stateName;
            for (const g of graph.querySelectorAll("g.state")) g.classList.toggle("selected", g.dataset.state === stateName);
            const entered = history.filter((e) => e.stateEnteredEventDetails && e.stateEnteredEventDetails.name === stateName);
            const exited = history.filter((e) => e.stateExitedEventDetails && e.stateExitedEventDetails.name === stateName);
            const children = [el("h2", { text: stateName })];
            if (entered.length === 0) children.push(el("p", { class: "muted", text: "Not reached." }));
            if (entered.length > 1) children.push(el("p", { class: "muted", text: "Entered " + entered.length + " times; the last is shown." }));
            const lastIn = entered[entered.length - 1];
            const lastOut = exited[exited.length - 1];
            if (lastIn) children.push(el("div", { class: "muted", text: "Input" }), el("pre", { class: "state-input", text: pretty(lastIn.stateEnteredEventDetails.input) }));
            if (lastOut) children.push(el("div", { class: "muted", text: "Output" }), el("pre", { class: "state-output", text: pretty(lastOut.stateExitedEventDetails.output) }));
            const failed = history.filter((e) => /Failed$|TimedOut$/.test(e.type) && !e.type.startsWith("Execution"));
            for (const event of failed) {
              const key = Object.keys(event).find((k) => k.endsWith("EventDetails"));
              const d = key ? event[key] : {};
              if (d && (d.error || d.cause) && ownerOf(event) === stateName) children.push(el("div", { class: "error", text: (d.error || "") + (d.cause ? "\n" + d.cause : "") }));
            }
            details.replaceChildren(...children);
          }

          function ownerOf(event) {
            const byId = new Map(history.map((e) => [e.id, e]));
            let current = event;
            for (let steps = 0; current && steps < 10000; steps++) {
              if (current.stateEnteredEventDetails) return current.stateEnteredEventDetails.name;
              if (current.stateExitedEventDetails) return null;
              current = byId.get(current.previousEventId);
            }
            return null;
          }

          function renderTasks(list) {
            const key = list.map((t) => t.taskToken).join(",");
            if (key === shownTokens) return;
            shownTokens = key;
            tasks.replaceChildren(...list.map((task) => {
              const output = el("textarea", { class: "task-output", spellcheck: "false" }, "{}");
              const error = el("input", { type: "text", class: "task-error", placeholder: "error", size: 18 });
              const cause = el("input", { type: "text", class: "task-cause", placeholder: "cause", size: 24 });
              const note = el("div");
              async function send(operation, body) {
                try { await api(operation, body); note.replaceChildren(el("span", { class: "muted", text: "Sent." })); refresh(); }
                catch (e) { note.replaceChildren(failure(e)); }
              }
              return el("div", { class: "task", "data-state": task.stateName || "" },
                el("strong", { text: (task.stateName || "A task") + " waits for its task token" }),
                el("div", { class: "muted", text: "Output to send" }), output,
                el("button", { class: "send-success", "data-state": task.stateName || "", onclick: () => {
                  try { JSON.parse(output.value); } catch (e) { note.replaceChildren(failure("The output is not JSON: " + e.message)); return; }
                  send("SendTaskSuccess", { taskToken: task.taskToken, output: output.value });
                } }, "Send task success"),
                el("div", { class: "row" }, error, cause,
                  el("button", { class: "send-failure danger", "data-state": task.stateName || "", onclick: () =>
                    send("SendTaskFailure", { taskToken: task.taskToken, error: error.value, cause: cause.value }) }, "Send task failure")),
                note);
            }));
          }

          async function refresh() {
            if (token !== generation) return;
            try {
              const [execution, all, waiting] = await Promise.all([
                api("DescribeExecution", { executionArn: arn }),
                allPages("GetExecutionHistory", { executionArn: arn, maxResults: 1000 }, "events"),
                fetch("/console/tasks?executionArn=" + encodeURIComponent(arn)).then((r) => r.ok ? r.json() : { tasks: [] }),
              ]);
              if (token !== generation) return;
              history = all;
              const machineArn = execution.stateMachineArn;
              header.replaceChildren(
                el("div", { class: "muted" }, link("#/", "State machines"), " / ", machineArn ? link("#/machine/" + encodeURIComponent(machineArn), shortName(machineArn)) : "", " /"),
                el("h1", {}, execution.name + " ", el("span", { id: "status", class: "badge " + execution.status, text: execution.status })),
                el("p", { class: "muted", text: "Started " + when(execution.startDate) + (execution.stopDate ? " · stopped " + when(execution.stopDate) : "") + " · " + history.length + " events" }));
              actions.replaceChildren(...[
                execution.status === "RUNNING" ? el("button", { id: "stop-button", class: "danger", onclick: async () => {
                  try { await api("StopExecution", { executionArn: arn, error: "Console.Stopped", cause: "Stopped from the sfn console" }); refresh(); }
                  catch (e) { message.replaceChildren(failure(e)); }
                } }, "Stop execution") : null,
                ["FAILED", "TIMED_OUT", "ABORTED"].includes(execution.status) ? el("button", { id: "redrive-button", class: "secondary", onclick: async () => {
                  try { await api("RedriveExecution", { executionArn: arn }); message.replaceChildren(); refresh(); schedule(); }
                  catch (e) { message.replaceChildren(failure(e)); }
                } }, "Redrive") : null].filter(Boolean));
              renderTasks(execution.status === "RUNNING" ? waiting.tasks || [] : []);
              const ioParts = [el("h2", { text: "Execution input" }), el("pre", { id: "execution-input", text: pretty(execution.input) })];
              if (execution.output !== undefined) ioParts.push(el("h2", { text: "Output" }), el("pre", { id: "execution-output", text: pretty(execution.output) }));
              if (execution.error || execution.cause) ioParts.push(el("h2", { text: "Error" }), el("div", { class: "error", id: "execution-error", text: (execution.error || "") + (execution.cause ? "\n" + execution.cause : "") }));
              io.replaceChildren(el("div", { class: "panel" }, ...ioParts));
              events.replaceChildren(el("table", { id: "event-table" },
                el("tr", {}, el("th", { text: "ID" }), el("th", { text: "Type" }), el("th", { text: "State" }), el("th", { text: "Time" }), el("th", { text: "Details" })),
                history.map((e) => {
                  const key = Object.keys(e).find((k) => k.endsWith("EventDetails"));
                  const d = key ? e[key] : undefined;
                  const state = e.stateEnteredEventDetails ? e.stateEnteredEventDetails.name : e.stateExitedEventDetails ? e.stateExitedEventDetails.name : "";
                  let summary = "";
                  if (d) summary = d.error !== undefined || d.cause !== undefined ? [d.error, d.cause].filter(Boolean).join(": ") : JSON.stringify(d);
                  return el("tr", {}, el("td", { text: e.id }), el("td", { text: e.type }), el("td", { text: state }), el("td", { text: when(e.timestamp) }),
                    el("td", {}, summary.length > 160 ? summary.slice(0, 159) + "…" : summary));
                })));
              await loadGraph(graph, "executionArn=" + encodeURIComponent(arn), selected, stateDetails).catch((e) => graph.replaceChildren(failure(e)));
              if (selected) stateDetails(selected);
              const runs = await allPages("ListMapRuns", { executionArn: arn }, "mapRuns").catch(() => []);
              mapRuns.replaceChildren(...(runs.length === 0 ? [] : [el("h2", { text: "Map Runs" }), el("table", {},
                el("tr", {}, el("th", { text: "Map Run" }), el("th", { text: "Started" }), el("th", { text: "Stopped" })),
                runs.map((r) => el("tr", {}, el("td", {}, link("#/maprun/" + encodeURIComponent(r.mapRunArn), shortName(r.mapRunArn.split(":").slice(-2).join(":")))),
                  el("td", { text: when(r.startDate) }), el("td", { text: when(r.stopDate) }))))]));
              return execution.status;
            } catch (error) {
              message.replaceChildren(failure(error));
              return "ERROR";
            }
          }

          function schedule() {
            clearTimeout(timer);
            timer = setTimeout(async function tick() {
              const status = await refresh();
              if (token === generation && (status === "RUNNING" || status === "ERROR")) timer = setTimeout(tick, 1000);
            }, 1000);
          }
          const status = await refresh();
          if (status === "RUNNING" || status === "ERROR") schedule();
        }

        // ---- Map Runs ----
        async function mapRunView(arn, token) {
          const run = await api("DescribeMapRun", { mapRunArn: arn });
          const children = await allPages("ListExecutions", { mapRunArn: arn }, "executions").catch(() => []);
          if (token !== generation) return;
          const counts = run.itemCounts || {};
          view.replaceChildren(
            el("div", { class: "muted" }, link("#/execution/" + encodeURIComponent(run.executionArn), shortName(run.executionArn)), " /"),
            el("h1", {}, "Map Run ", badge(run.status)),
            el("p", { class: "muted", text: arn }),
            el("table", { id: "item-counts" }, el("tr", {}, Object.keys(counts).map((k) => el("th", { text: k }))),
              el("tr", {}, Object.values(counts).map((v) => el("td", { text: v })))),
            el("h2", { text: "Child executions" }),
            el("table", {}, el("tr", {}, el("th", { text: "Name" }), el("th", { text: "Status" }), el("th", { text: "Started" })),
              children.map((e) => el("tr", {}, el("td", {}, link("#/execution/" + encodeURIComponent(e.executionArn), e.name)), el("td", {}, badge(e.status)), el("td", { text: when(e.startDate) })))));
        }

        async function route() {
          clearTimeout(timer);
          const token = ++generation;
          const hash = location.hash || "#/";
          const [, kind, ...rest] = hash.split("/");
          const arn = decodeURIComponent(rest.join("/"));
          try {
            if (kind === "machine") await machineView(arn, token);
            else if (kind === "execution") await executionView(arn, token);
            else if (kind === "maprun") await mapRunView(arn, token);
            else await machinesView(token);
          } catch (error) {
            if (token === generation) view.replaceChildren(failure(error));
          }
        }

        window.addEventListener("hashchange", route);
        document.getElementById("connection").textContent = location.host;
        route();
        """#
}
