"use client";
import { useState } from "react";
import { Form, Input, type FormItemProps } from "antd";
import type { Rule } from "antd/es/form";
import { formatNumber } from "@/lib/format";
import { numberProblem, parseNumberText, type NumberProblem, type NumberRule } from "@/lib/validation";
import { usePrefs, useT } from "../providers/i18n";

// Number fields that never change what the user typed. antd's InputNumber rounds to
// `precision` and clamps to `min`/`max` on blur, and drops text that is not a number, so a
// GPU count of 1.5 became 2 and -4 became 0 without a word. Here the text stays as typed,
// the form holds its number (NaN when it is not one), and the rules name the problem.
//
//   <NumberField name="gpuCount" label="GPUs" integer min={0} required />
//   <NumberField name="price" label="Price (¥)" decimals={2} min={0} prefix="¥" />
//   rules={useNumberRules()("Port", { integer: true, min: 1, max: 65535 })}   // a Form.Item of your own

type InputProps = {
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** Arrow up/down add or take this much (nothing happens while the text is not a number). */
  step?: number;
  /** Whether the value may be negative: a minus-less numeric keypad on phones otherwise. */
  allowNegative?: boolean;
  prefix?: React.ReactNode;
  suffix?: React.ReactNode;
  placeholder?: string;
  disabled?: boolean;
  id?: string;
  style?: React.CSSProperties;
  "aria-label"?: string;
  "data-testid"?: string;
  status?: "error" | "warning";
  onPressEnter?: () => void;
};

const textOf = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "" : String(v));
const same = (a: number | null | undefined, b: number | null | undefined) => Object.is(a ?? null, b ?? null);

/** A text box for a number (an antd Input): the value is the typed number, null when empty, NaN when it is not a number. */
export function NumberInput({ value, onChange, step = 1, allowNegative = false, ...rest }: InputProps) {
  const [text, setText] = useState(() => textOf(value));
  // Values set from outside (initial values, setFieldValue, a reset) replace the text; the
  // echo of what was typed does not (so "1." and "abc" stay on screen).
  const [shown, setShown] = useState(value);
  if (!same(value, shown)) {
    setShown(value);
    if (!same(parseNumberText(text), value)) setText(textOf(value));
  }
  const emit = (next: string) => {
    setText(next);
    onChange?.(parseNumberText(next));
  };
  const decimalsOf = (n: number) => (String(n).split(".")[1] ?? "").length;
  return (
    <Input
      {...rest}
      value={text}
      inputMode={allowNegative ? "text" : "decimal"}
      autoComplete="off"
      onChange={(e) => emit(e.target.value)}
      onKeyDown={(e) => {
        if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
        const current = parseNumberText(text) ?? 0;
        if (Number.isNaN(current)) return;
        e.preventDefault();
        const places = Math.max(decimalsOf(current), decimalsOf(step));
        emit(String(Number((current + (e.key === "ArrowUp" ? step : -step)).toFixed(places))));
      }}
    />
  );
}

/** A number problem in words that name the field, in the user's language. */
export function useNumberProblemText(): (label: string, problem: NumberProblem) => string {
  const t = useT();
  const { locale } = usePrefs();
  return (label, p) => {
    switch (p.kind) {
      case "required":
        return t("validation.required", { field: label });
      case "notNumber":
        return t("validation.notNumber", { field: label });
      case "whole":
        return t("validation.whole", { field: label });
      case "decimals":
        return t(p.decimals === 0 ? "validation.whole" : "validation.decimals", { field: label, decimals: p.decimals });
      case "min":
        return t("validation.min", { field: label, min: formatNumber(p.min, locale) });
      case "max":
        return t("validation.max", { field: label, max: formatNumber(p.max, locale) });
    }
  };
}

/** Form rules for a number field: the first problem of the value, named, or nothing. */
export function useNumberRules(): (label: string, rule: NumberRule) => Rule[] {
  const text = useNumberProblemText();
  return (label, rule) => [
    {
      required: rule.required,
      validator: async (_, value: unknown) => {
        const problem = numberProblem(value, rule);
        if (problem) throw new Error(text(label, problem));
      },
    },
  ];
}

type FieldProps = NumberRule &
  Omit<InputProps, "value" | "onChange" | "allowNegative"> & {
    name: FormItemProps["name"];
    label: string;
    extra?: React.ReactNode;
    dependencies?: FormItemProps["dependencies"];
    /** Rules checked after the number's own (e.g. "not zero"). */
    rules?: Rule[];
    itemStyle?: React.CSSProperties;
  };

/** A Form.Item with a NumberInput and the rules of `NumberRule`; the label names the field in messages. */
export function NumberField({ name, label, extra, dependencies, rules = [], itemStyle, required, integer, decimals, min, max, ...input }: FieldProps) {
  const numberRules = useNumberRules();
  return (
    <Form.Item
      name={name}
      label={label}
      extra={extra}
      dependencies={dependencies}
      style={itemStyle}
      rules={[...numberRules(label, { required, integer, decimals, min, max }), ...rules]}
    >
      <NumberInput allowNegative={min === undefined || min < 0} style={{ width: "100%" }} {...input} />
    </Form.Item>
  );
}
