// The group page's interactive graph: cytoscape.js draws the members and edges the page carries
// in its JSON data block (#group-graph-data; never executed, so the CSP's script-src 'self'
// holds); filters by district, role and evidence kind; selecting an edge lists its evidence in
// the side panel. Text is always set with textContent, never as HTML.
// Test hook: window.surakshaGraph = { cy: <the cytoscape core>, show: <fill the panel for an edge> }.
"use strict";

(function () {
  var ROLE_COLOURS = {
    distributor: "#b3261e",
    bridge: "#7a4fb3",
    possible_producer: "#b36b00"
  };

  function readData() {
    var block = document.getElementById("group-graph-data");
    return block ? JSON.parse(block.textContent) : null;
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function words(value) {
    return String(value).replace(/_/g, " ");
  }

  function showEdge(edge) {
    var body = document.getElementById("evidence-body");
    var hint = document.getElementById("evidence-hint");
    if (!body) {
      return;
    }
    body.replaceChildren();
    if (hint) {
      hint.hidden = true;
    }
    var data = edge.data();
    var ends = element("dl");
    ends.appendChild(element("dt", "Between"));
    ends.appendChild(element("dd", data.source));
    ends.appendChild(element("dd", data.target));
    ends.appendChild(element("dt", "Score"));
    ends.appendChild(element("dd", Number(data.weight).toFixed(2)));
    body.appendChild(ends);
    var list = element("ul", null, "plain evidence-list");
    data.evidence.forEach(function (piece) {
      var item = element("li");
      item.appendChild(element("strong", words(piece.kind)));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("code", piece.artefact, "wrap"));
      var facts = element("dl");
      facts.appendChild(element("dt", "Held by"));
      facts.appendChild(element("dd", piece.holders + " subject(s) in the workspace"));
      facts.appendChild(element("dt", "Reports of " + data.source));
      facts.appendChild(element("dd", (piece.reports_a || []).join(" ")));
      facts.appendChild(element("dt", "Reports of " + data.target));
      facts.appendChild(element("dd", (piece.reports_b || []).join(" ")));
      item.appendChild(facts);
      list.appendChild(item);
    });
    body.appendChild(list);
  }

  function applyFilters(cy) {
    var district = document.getElementById("graph-district").value;
    var role = document.getElementById("graph-role").value;
    var kind = document.getElementById("graph-kind").value;
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        var keep = (!district || node.data("district") === district) &&
          (!role || node.data("roles").indexOf(role) >= 0);
        node.toggleClass("filtered", !keep);
      });
      cy.edges().forEach(function (edge) {
        var keep = !edge.source().hasClass("filtered") && !edge.target().hasClass("filtered") &&
          (!kind || edge.data("kinds").indexOf(kind) >= 0);
        edge.toggleClass("filtered", !keep);
      });
    });
    var count = document.getElementById("graph-count");
    if (count) {
      // Counted from the classes just set: `:visible` reads the style, which is updated later.
      count.textContent = cy.nodes().not(".filtered").length + " of " + cy.nodes().length +
        " members, " + cy.edges().not(".filtered").length + " of " + cy.edges().length +
        " edges shown";
    }
  }

  function draw() {
    var container = document.getElementById("group-graph");
    var data = readData();
    if (!container || !data || typeof window.cytoscape !== "function") {
      return;
    }
    var cy = window.cytoscape({
      container: container,
      elements: { nodes: data.nodes, edges: data.edges },
      style: [
        {
          selector: "node",
          style: {
            "label": "data(label)",
            "font-size": 10,
            "background-color": "#1f4e79",
            "width": 22,
            "height": 22,
            "border-width": 0,
            "text-valign": "bottom",
            "text-margin-y": 3
          }
        },
        { selector: "node.abroad", style: { "border-width": 4, "border-color": "#111111" } },
        {
          selector: "edge",
          style: {
            "width": "mapData(weight, 1, 5, 2, 9)",
            "line-color": "#8a97a8",
            "curve-style": "bezier"
          }
        },
        { selector: "edge:selected", style: { "line-color": "#0b5cad", "z-index": 10 } },
        { selector: ".filtered", style: { "display": "none" } }
      ],
      layout: { name: "concentric", animate: false, minNodeSpacing: 30,
        concentric: function (node) { return node.degree(); },
        levelWidth: function () { return 2; } }
    });
    cy.nodes().forEach(function (node) {
      var roles = node.data("roles");
      node.toggleClass("abroad", node.data("abroad").length > 0);
      if (roles.length) {
        node.style("background-color", ROLE_COLOURS[roles[0]] || "#1f4e79");
      }
    });
    cy.on("tap", "edge", function (event) {
      cy.edges().unselect();
      event.target.select();
      showEdge(event.target);
    });
    ["graph-district", "graph-role", "graph-kind"].forEach(function (id) {
      var select = document.getElementById(id);
      if (select) {
        select.addEventListener("change", function () { applyFilters(cy); });
      }
    });
    applyFilters(cy);
    window.surakshaGraph = { cy: cy, show: showEdge };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
