package io.berth.web;

import io.berth.model.Stack;
import io.berth.stacks.StackDetails;
import java.util.List;

/** A stack someone shared with the viewer of the dashboard, with the links to its services. */
public record SharedStack(Stack stack, List<StackDetails.Link> links) { }
