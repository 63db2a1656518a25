package io.berth.api;

import io.berth.catalog.Parameter;
import io.berth.catalog.Template;
import io.berth.model.Stack;
import io.berth.stacks.StackDetails;
import java.time.Instant;
import java.util.List;

/** The shapes the API answers with (snake_case in JSON); documented in {@code api/openapi.yaml}. */
final class Views {
    private Views() { }

    record TemplateView(String name, String title, String description, String category, List<String> ownerKinds,
                        List<ParameterView> parameters, List<String> services) {
        static TemplateView of(Template t) {
            return new TemplateView(t.name(), t.title(), t.description(), t.category(),
                    t.ownerKinds().stream().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList(),
                    t.parameters().stream().map(ParameterView::of).toList(),
                    t.services().stream().map(Template.Service::name).toList());
        }
    }

    record ParameterView(String name, String type, String label, String help, String defaultValue, String regex,
                         Integer maxLength, Long min, Long max, List<String> choices) {
        static ParameterView of(Parameter p) {
            boolean string = p.type() == Parameter.Type.STRING;
            return new ParameterView(p.name(), p.type().name().toLowerCase(java.util.Locale.ROOT), p.label(), p.help(),
                    p.defaultValue(), p.regex() == null ? null : p.regex().pattern(), string ? p.maxLength() : null,
                    p.min(), p.max(), p.choices() == null || p.choices().isEmpty() ? null : p.choices());
        }
    }

    record StackView(String owner, String name, String template, String state, String reason, Instant createdAt,
                     Instant updatedAt, String url) {
        static StackView of(Stack s, String portal) {
            return new StackView(s.owner(), s.name(), s.template(), s.state().name(), s.reason(), s.createdAt(),
                    s.updatedAt(), portal + ApiV1.BASE + "/stacks/" + s.owner() + "/" + s.name());
        }
    }

    record LinkView(String service, String url) { }

    /** {@code queueAhead}: while the stack's start waits for a free slot, how many starts are ahead of it; else null. */
    record StackDetail(StackView stack, List<LinkView> links, List<StackDetails.Connection> connections,
                       java.util.Map<String, String> parameters, List<String> services, List<String> restarting,
                       Integer queueAhead) { }

    record ConnectionList(String state, List<StackDetails.Connection> connections) { }
}
